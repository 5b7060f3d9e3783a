/**
 * Log lines of the hook, in the classic syslog shape `TAG[PID]: [LEVEL: ]MESSAGE` (what
 * `logger -s` prints): systemd-udevd logs a RUN program's output line by line against
 * the event, and the journal shows the tag and pid. One line per fact; a failure's first
 * line says what failed and where, on its own.
 */
export type Level = "info" | "warning" | "error";

export function syslogLine(level: Level, message: string, pid: number = process.pid): string {
  const prefix = level === "info" ? "" : `${level}: `;
  return `nsnet[${pid}]: ${prefix}${message.replace(/\n/g, " ")}\n`;
}
