/**
 * log4j 1 (reload4j) settings for the Java parts: everything to stdout, which the stack sends to
 * `.stack/logs/<part>.log`; chatty loggers turned down so a failure is easy to find.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../stack-config.ts';

const quiet: Record<string, string> = {
  'kafka-format': 'log4j.logger.kafka=WARN\nlog4j.logger.org.apache.kafka=WARN\n',
  kafka:
    'log4j.logger.kafka.request.logger=WARN\nlog4j.logger.kafka.controller=INFO\nlog4j.logger.state.change.logger=WARN\n',
  connect:
    'log4j.logger.org.reflections=ERROR\nlog4j.logger.org.apache.kafka.clients=WARN\nlog4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN\nlog4j.logger.org.eclipse.jetty=WARN\n',
};

export function log4jFile(part: string): string {
  const dir = join(stateDir, 'config');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `log4j-${part}.properties`);
  writeFileSync(
    file,
    `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
${quiet[part] ?? ''}`,
  );
  return file;
}
