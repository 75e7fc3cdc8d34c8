import { describe, expect, it } from '@jest/globals';
import { sniffCv } from '../../core/cv/index.js';
import type { RoleBank } from '../../core/interview/index.js';
import { coverage, readCv, suggestRole, yearsOfExperience } from './profile.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const bank = (role: string, skills: [string, string][]): RoleBank => ({ role, title: role, description: '', skills: skills.map(([id, name]) => ({ id, name, core: true })), questions: [] });
const PYTHON = bank('python', [['core-language', 'Core language'], ['testing', 'Testing and quality']]);
const DATA = bank('data', [['sql', 'SQL'], ['statistics', 'Statistics']]);

describe('reading a CV', () => {
  it.each([
    ['Python and Django, some PostgreSQL', ['Python', 'Django', 'PostgreSQL']],
    // Whole words only: PostgreSQL is not SQL, "nodes" is not Node.js, "reactive" is not React.
    ['PostgreSQL clusters with many nodes, reactive streams', ['PostgreSQL']],
    ['Kubernetes (k8s), Terraform; GitHub Actions', ['Kubernetes', 'Terraform', 'CI/CD']],
    ['nothing technical here', []],
  ])('%s', (text, skills) => {
    expect(readCv(text, NOW).skills).toEqual(skills);
  });

  it.each([
    ['6 years of experience', 6],
    ['10+ yrs in backend', 10],
    ['Acme 2018 - 2021, Globex 2021 - present', 8],
    ['3 years at Acme, 2015 – 2025 overall', 10],
    ['born 1990', undefined],
    ['99 years', undefined],
  ])('years in "%s"', (text, years) => {
    expect(yearsOfExperience(text, NOW)).toBe(years);
  });

  it('suggests the role with most bank skills evidenced, none on a tie', () => {
    expect(suggestRole([PYTHON, DATA], { skills: ['Python', 'pytest'] })?.role).toBe('python');
    expect(suggestRole([PYTHON, DATA], { skills: ['Python', 'SQL'] })).toBeUndefined();
    expect(suggestRole([PYTHON, DATA], { skills: [] })).toBeUndefined();
  });

  it('coverage names what the CV shows and lacks, by lexicon or by the skill name in the text', () => {
    expect(coverage(PYTHON, { skills: ['Python'] }, 'Python')).toEqual({ shows: ['Core language'], lacks: ['Testing and quality'] });
    expect(coverage(DATA, { skills: [] }, 'I love statistics')).toEqual({ shows: ['Statistics'], lacks: ['SQL'] });
  });

  it('sniffs the format from the bytes', () => {
    expect(sniffCv(Buffer.from('%PDF-1.7\n...'))).toBe('pdf');
    expect(sniffCv(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from('....word/document.xml....')]))).toBe('docx');
    expect(sniffCv(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from('xl/workbook.xml')]))).toBeUndefined();
    expect(sniffCv(Buffer.from('\x89PNG\r\n\x1a\n'))).toBeUndefined();
  });
});
