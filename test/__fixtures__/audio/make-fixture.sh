#!/bin/sh
# Regenerates my-name-is.ogg: a real Ogg/Opus voice note (mono, 16 kbit/s, ~2 s) saying
# "My name is Anna Lima." Needs Debian's espeak-ng and opus-tools:
#   apt-get install -y espeak-ng opus-tools
# The fixed serial number keeps the output stable across runs of the same tool versions.
set -eu
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 150 -w "$tmp/speech.wav" "My name is Anna Lima."
opusenc --quiet --serial 1 --bitrate 16 --downmix-mono "$tmp/speech.wav" my-name-is.ogg
ls -l my-name-is.ogg
