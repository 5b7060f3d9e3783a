export const VERSION = "0.1.0";

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--version")) {
    process.stdout.write(`nsnet ${VERSION}\n`);
    return 0;
  }
  process.stderr.write("nsnet: not implemented yet\n");
  return 2;
}
