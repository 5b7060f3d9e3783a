/**
 * The fan-out's launcher (fanout.ts), in Perl like the namespace reader: for each namespace
 * named on stdin, one after the other, it forks, and the child enters the namespace with
 * setns(2) and execs `ip FLAGS -batch DIR/NS`. It does what `xargs … nsenter --net=… -- ip`
 * did with one exec per namespace instead of two (an exec costs 4–7 ms on the machine nsnet
 * is measured on: 2.9 s of a 1000-namespace build), and says the same things: nsenter's
 * words when a namespace cannot be entered, xargs's exit codes (0 all succeeded, 123 some
 * exited 1–125, 124 one exited 255, 125 one was killed, 126/127 ip could not run — the last
 * four stop the run), so the output is cut into per-namespace results the same way.
 *
 * argv: the setns syscall number, DIR, then ip's FLAGS.
 */
export const PLACE_LAUNCHER = String.raw`
use strict; use warnings;
my ($SETNS, $dir, @flags) = @ARGV;
die "no setns number\n" unless defined $SETNS && $SETNS =~ /^\d+$/ && defined $dir;
my $status = 0;
while (my $ns = <STDIN>) {
  chomp $ns; next if $ns eq "";
  my $pid = fork;
  die "fork: $!\n" unless defined $pid;
  if ($pid == 0) {
    my $fh;
    if ($ns =~ m{/} || !open($fh, "<", "/run/netns/$ns")) { print STDERR "nsenter: cannot open /run/netns/$ns: $!\n"; exit 1; }
    if (syscall($SETNS, fileno($fh), 0x40000000) != 0) { print STDERR "nsenter: reassociate to namespace /run/netns/$ns failed: $!\n"; exit 1; }
    close $fh;
    { no warnings "exec"; exec { "ip" } "ip", @flags, "-batch", "$dir/$ns"; }
    print STDERR "nsenter: failed to execute ip: $!\n"; exit 127;
  }
  waitpid($pid, 0);
  my ($code, $sig) = ($? >> 8, $? & 127);
  exit 125 if $sig;
  exit 124 if $code == 255;
  exit $code if $code == 126 || $code == 127;
  $status = 123 if $code;
}
exit $status;
`;
