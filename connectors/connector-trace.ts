/**
 * The readable part of a Java stack trace Connect reports for a failed connector or task: the
 * first line (the exception and its message) and the deepest `Caused by:` (usually the real
 * reason, e.g. "password authentication failed for user debezium"). Frames are dropped.
 */
export function summarizeTrace(trace: string | undefined): string {
  if (trace === undefined || trace.trim() === '') return 'Connect gave no reason';
  const lines = trace.split('\n').map((line) => line.trim());
  const first = lines[0] ?? '';
  const causes = lines.filter((line) => line.startsWith('Caused by:'));
  const deepest = causes.at(-1);
  return deepest === undefined || deepest === first ? first : `${first} ... ${deepest}`;
}
