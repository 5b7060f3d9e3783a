import { NETLINK_CORE } from "./netlink-script.js";

/**
 * The fan-out's launcher (fanout.ts), in Perl like the namespace reader. For each namespace
 * named on stdin, one after the other, it runs the batch file DIR/NS there:
 *
 * - itself, when every line is one it knows — `link set DEV up|down`, `link set DEV alias
 *   A`, `addr add CIDR dev DEV`, `route add DST via GW [dev DEV] [onlink]` (GW of DST's
 *   family) and the four read-back dumps — and ip's flags are no more than `-d -j`: it enters
 *   the namespace with setns(2) and sends each op as the netlink request `ip` sends for that
 *   text (same flags, defaults and attributes), stopping at the first the kernel refuses, and
 *   prints the dumps in `ip -j`'s shape (the fields nsnet reads). No process at all;
 * - otherwise by forking a child that enters the namespace and execs `ip FLAGS -batch
 *   DIR/NS` — one exec, where `xargs … nsenter … -- ip` needed two.
 *
 * Either way it says what `ip`, `nsenter` and `xargs` said: the kernel's words for a refused
 * op, then `Command failed DIR/NS:LINE`; nsenter's words when a namespace cannot be entered;
 * xargs's exit codes (0 all succeeded, 123 some failed, 124 an ip exited 255, 125 one was
 * killed, 126/127 ip could not run — the last four stop the run). So the output is cut into
 * per-namespace results exactly as before (fanout.ts `attribute`). Exec is what costs on
 * the machine nsnet is measured on (4–7 ms each).
 *
 * argv: the setns syscall number, DIR, then ip's FLAGS.
 */
export const PLACE_LAUNCHER = `${NETLINK_CORE}${String.raw`
my ($SETNS, $dir, @flags) = @ARGV;
die "no setns number\n" unless defined $SETNS && $SETNS =~ /^\d+$/ && defined $dir;
$| = 1;
my $native_flags = !grep { $_ ne "-d" && $_ ne "-j" } @flags;
my $json = grep { $_ eq "-j" } @flags;
my %dump = ("link show" => 0, "addr show" => 1, "route show table all" => 2, "neigh show proxy" => 3);
my $name_re = qr/[A-Za-z0-9_][A-Za-z0-9_.:@-]*/;

sub rta { my ($type, $data) = @_; my $l = 4 + length $data; return pack("SS", $l, $type) . $data . ("\0" x ((4 - $l % 4) % 4)); }

# the parsed op of a line nsnet renders and this program applies, or undef
sub op_of {
  my $line = shift;
  return { k => "dump", i => $dump{$line} } if exists $dump{$line};
  return { k => "updown", dev => $1, up => ($2 eq "up") } if $line =~ /^link set ($name_re) (up|down)$/;
  return { k => "alias", dev => $1, alias => $2 } if $line =~ /^link set ($name_re) alias (\S+)$/;
  if ($line =~ m{^addr add (\S+)/(\d+) dev ($name_re)$}) {
    my ($ip, $len, $dev) = ($1, $2, $3);
    my $fam = $ip =~ /:/ ? 10 : 2; my $b = inet_pton($fam == 2 ? AF_INET : AF_INET6, $ip);
    return undef unless defined $b && $len <= ($fam == 2 ? 32 : 128);
    return { k => "addr", fam => $fam, addr => $b, len => $len, dev => $dev };
  }
  if ($line =~ m{^route add (default|\S+/\d+) via (\S+)(?: dev ($name_re))?( onlink)?$}) {
    my ($dst, $gw, $dev, $onlink) = ($1, $2, $3, $4);
    my $fam = $gw =~ /:/ ? 10 : 2; my $g = inet_pton($fam == 2 ? AF_INET : AF_INET6, $gw);
    return undef unless defined $g;
    my ($d, $len) = (undef, 0);
    if ($dst ne "default") {
      my ($a, $l) = split m{/}, $dst; return undef unless ($a =~ /:/ ? 10 : 2) == $fam;
      $d = inet_pton($fam == 2 ? AF_INET : AF_INET6, $a); return undef unless defined $d && $l <= ($fam == 2 ? 32 : 128); $len = $l;
    }
    return { k => "route", fam => $fam, dst => $d, len => $len, gw => $g, dev => $dev, onlink => defined $onlink };
  }
  return undef;
}

# a request and its acknowledgement: 0, or the kernel's errno
sub ack {
  my ($sock, $type, $flags, $body) = @_;
  my $s = ++$seq;
  send($sock, pack("LSSLL", 16 + length $body, $type, $flags | 0x5, $s, 0) . $body, 0) or return $! + 0;
  while (1) {
    my $buf = ""; defined(recv($sock, $buf, 1 << 16, 0)) or return $! + 0;
    my $o = 0;
    while ($o + 16 <= length $buf) {
      my ($len, $t, undef, $ms) = unpack("LSSL", substr($buf, $o, 12));
      last if $len < 16;
      return -unpack("l", substr($buf, $o + 16, 4)) if $t == 2 && $ms == $s;
      $o += ($len + 3) & ~3;
    }
  }
}

# one op: undef when done, else what ip would have said
sub apply_op {
  my ($sock, $op, $index) = @_;
  my $ifindex = sub { my $i = $index->{$_[0]}; return $i; };
  my $err;
  if ($op->{k} eq "updown" || $op->{k} eq "alias") {
    my $i = $ifindex->($op->{dev}); return "Cannot find device \"$op->{dev}\"" unless $i;
    $err = $op->{k} eq "updown"
      ? ack($sock, 16, 0, pack("CxSlLL", 0, 0, $i, $op->{up} ? 1 : 0, 1))
      : ack($sock, 16, 0, pack("CxSlLL", 0, 0, $i, 0, 0) . rta(20, $op->{alias}));
  } elsif ($op->{k} eq "addr") {
    my $i = $ifindex->($op->{dev}); return "Cannot find device \"$op->{dev}\"" unless $i;
    my $scope = $op->{fam} == 2 && unpack("C", $op->{addr}) == 127 ? 254 : 0;
    $err = ack($sock, 20, 0x600, pack("CCCCL", $op->{fam}, $op->{len}, 0, $scope, $i) . rta(2, $op->{addr}) . rta(1, $op->{addr}));
  } else {
    my $body = pack("CCCCCCCCL", $op->{fam}, $op->{len}, 0, 0, 254, 3, 0, 1, $op->{onlink} ? 4 : 0);
    $body .= rta(1, $op->{dst}) if defined $op->{dst};
    $body .= rta(5, $op->{gw});
    if (defined $op->{dev}) { my $i = $ifindex->($op->{dev}); return "Cannot find device \"$op->{dev}\"" unless $i; $body .= rta(4, pack("L", $i)); }
    $err = ack($sock, 24, 0x600, $body);
  }
  return undef unless $err;
  local $! = $err;
  return "RTNETLINK answers: $!";
}

# the four dumps as ip -d -j prints them (the fields nsnet reads)
sub ip_json {
  my ($st, $i) = @_;
  if ($i == 0) {
    return "[" . join(",", map {
      my $l = $_;
      my $info = $l->{kind} ne "" && $l->{kind} ne "loopback"
        ? obj(info_kind => js($l->{kind}), info_data => ((defined $l->{mode} || defined $l->{vlanId}) ? obj(mode => jstr($l->{mode}), id => $l->{vlanId}) : undef))
        : undef;
      obj(ifindex => $l->{ifindex}, ifname => js($l->{name}), flags => ($l->{up} ? '["UP"]' : "[]"), mtu => $l->{mtu},
        master => jstr($l->{master}), link_type => ($l->{kind} eq "loopback" ? js("loopback") : undef), address => jstr($l->{mac}),
        ifalias => jstr($l->{alias}), link_index => $l->{linkIndex}, link_netnsid => $l->{linkNetnsId}, linkinfo => $info)
    } @{$st->{links}}) . "]";
  }
  if ($i == 1) {
    my (@devs, %by);
    for my $a (@{$st->{addrs}}) { push @devs, $a->{dev} unless $by{$a->{dev}}; push @{$by{$a->{dev}}}, obj(local => js($a->{local}), prefixlen => $a->{prefixlen}); }
    return "[" . join(",", map { obj(ifname => js($_), addr_info => "[" . join(",", @{$by{$_}}) . "]") } @devs) . "]";
  }
  if ($i == 2) {
    return "[" . join(",", map {
      my $r = $_;
      obj(dst => js($r->{dst}), gateway => ($r->{viaOther} ? undef : jstr($r->{via})), via => ($r->{viaOther} ? obj(host => js($r->{via})) : undef),
        dev => jstr($r->{dev}), flags => ($r->{onlink} ? '["onlink"]' : undef), protocol => jstr($r->{proto}), scope => jstr($r->{scope}),
        pref => ($r->{family} == 6 ? js("medium") : undef))
    } @{$st->{routes}}) . "]";
  }
  return "[" . join(",", map { obj(dst => js($_->{addr}), dev => js($_->{dev}), proxy => "null") } @{$st->{proxies}}) . "]";
}

# the batch in the namespace the process is in now: 0, or 1 after "Command failed"
sub run_native {
  my ($file, $ops) = @_;
  socket(my $sock, 16, 3, 0) or die "netlink socket: $!\n";
  my ($st, $index);
  my $fresh = sub {
    for (1 .. 20) { $st = read_state($sock); last if defined $st; }
    die "dump interrupted 20 times\n" unless defined $st;
    $index = { map { ($_->{name} => $_->{ifindex}) } @{$st->{links}} };
  };
  $fresh->();
  my $stale = 0;
  for my $n (0 .. $#$ops) {
    my $op = $ops->[$n];
    if ($op->{k} eq "dump") { $fresh->() if $stale; $stale = 0; print ip_json($st, $op->{i}), "\n"; next; }
    my $said = apply_op($sock, $op, $index);
    $stale = 1;
    if (defined $said) { print STDERR "$said\nCommand failed $file:", $n + 1, "\n"; close $sock; return 1; }
  }
  close $sock;
  return 0;
}

my $status = 0;
while (my $ns = <STDIN>) {
  chomp $ns; next if $ns eq "";
  my $file = "$dir/$ns";
  my @ops;
  my $native = $native_flags && $ns !~ m{/} && open(my $bf, "<", $file);
  if ($native) {
    while (my $line = <$bf>) { chomp $line; next if $line eq ""; my $op = op_of($line); if (!$op || ($op->{k} eq "dump" && !$json)) { $native = 0; last; } push @ops, $op; }
    close $bf;
  }
  if ($native) {
    my ($why) = enter_ns($SETNS, $ns);
    if (defined $why) { print STDERR "$why\n"; $status = 123; next; }
    my $rc = run_native($file, \@ops);
    leave_ns($SETNS);
    $status = 123 if $rc;
    next;
  }
  my $pid = fork;
  die "fork: $!\n" unless defined $pid;
  if ($pid == 0) {
    my ($why) = enter_ns($SETNS, $ns);
    if (defined $why) { print STDERR "$why\n"; exit 1; }
    { no warnings "exec"; exec { "ip" } "ip", @flags, "-batch", $file; }
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
`}`;
