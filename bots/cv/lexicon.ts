/**
 * The technologies a CV is read for, each with the bank skills (role id -> skill ids) it is
 * evidence of. Small on purpose: a term belongs here when it names a tool or practice a shipped
 * question bank asks about. A bank's own skill names are matched as well (see `profile.ts`).
 */
export interface LexiconTerm {
  /** How the recruiter and the candidate see it. */
  name: string;
  /** Lower-case spellings matched as whole words (the name itself is always one). */
  aliases?: readonly string[];
  /** Evidence for these bank skills: role id -> skill ids. */
  skills: Readonly<Record<string, readonly string[]>>;
}

export const CV_LEXICON: readonly LexiconTerm[] = [
  { name: 'Python', skills: { python: ['core-language'] } },
  { name: 'Django', skills: { python: ['apis-and-packaging'] } },
  { name: 'Flask', skills: { python: ['apis-and-packaging'] } },
  { name: 'FastAPI', skills: { python: ['apis-and-packaging', 'concurrency'], fullstack: ['http-apis'] } },
  { name: 'asyncio', skills: { python: ['concurrency'] } },
  { name: 'Celery', skills: { python: ['concurrency'], data: ['pipelines'] } },
  { name: 'pytest', skills: { python: ['testing'] } },
  { name: 'pandas', skills: { data: ['statistics'], python: ['core-language'] } },
  { name: 'SQL', skills: { data: ['sql'], fullstack: ['databases'] } },
  { name: 'PostgreSQL', aliases: ['postgres'], skills: { data: ['sql'], fullstack: ['databases'] } },
  { name: 'MySQL', skills: { data: ['sql'], fullstack: ['databases'] } },
  { name: 'MongoDB', skills: { fullstack: ['databases'] } },
  { name: 'dbt', skills: { data: ['data-modeling'] } },
  { name: 'Airflow', skills: { data: ['pipelines'] } },
  { name: 'Spark', aliases: ['pyspark'], skills: { data: ['pipelines'] } },
  { name: 'Kafka', skills: { data: ['pipelines'] } },
  { name: 'Statistics', aliases: ['statistical'], skills: { data: ['statistics'] } },
  { name: 'Docker', skills: { devops: ['containers'], fullstack: ['delivery'] } },
  { name: 'Kubernetes', aliases: ['k8s'], skills: { devops: ['containers'] } },
  { name: 'Terraform', skills: { devops: ['infrastructure-as-code'] } },
  { name: 'Ansible', skills: { devops: ['infrastructure-as-code'] } },
  { name: 'CI/CD', aliases: ['github actions', 'gitlab ci', 'jenkins', 'continuous integration'], skills: { devops: ['ci-cd'], fullstack: ['delivery'] } },
  { name: 'AWS', aliases: ['amazon web services'], skills: { devops: ['infrastructure-as-code'], fullstack: ['delivery'] } },
  { name: 'Prometheus', aliases: ['grafana', 'opentelemetry'], skills: { devops: ['observability'] } },
  { name: 'JavaScript', aliases: ['ecmascript', 'es6'], skills: { javascript: ['fundamentals'], fullstack: ['frontend'] } },
  { name: 'TypeScript', skills: { javascript: ['fundamentals', 'runtime'], fullstack: ['frontend'] } },
  { name: 'Node.js', aliases: ['nodejs', 'node'], skills: { javascript: ['runtime', 'async'], fullstack: ['http-apis'] } },
  { name: 'React', aliases: ['react.js', 'reactjs'], skills: { react: ['components'], fullstack: ['frontend'] } },
  { name: 'React Hooks', aliases: ['hooks', 'useeffect'], skills: { react: ['hooks'] } },
  { name: 'Redux', aliases: ['react query', 'zustand'], skills: { react: ['state'] } },
  { name: 'Next.js', aliases: ['nextjs'], skills: { react: ['rendering'], fullstack: ['frontend'] } },
  { name: 'REST', aliases: ['rest api', 'restful', 'graphql'], skills: { fullstack: ['http-apis'], python: ['apis-and-packaging'] } },
  { name: 'OAuth', aliases: ['jwt', 'owasp'], skills: { fullstack: ['security'] } },
  { name: 'HTML', aliases: ['css'], skills: { fullstack: ['frontend'] } },
];
