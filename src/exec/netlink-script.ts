/**
 * The namespace reader's program, in Perl (perl-base is part of every Debian system). It
 * reads named namespaces in one process: for each name on stdin it enters the namespace
 * with setns(2), opens an rtnetlink socket there and dumps links, addresses, routes and
 * proxy neighbours — what `ip -d -j -batch` of the four dumps shows, already in nsnet's
 * model (src/model/live.ts), one JSON line per namespace. Node can neither setns nor open
 * a netlink socket; without this, every namespace costs an `nsenter` and an `ip` process.
 *
 * argv: the setns syscall number of this machine (Perl has no constant for it).
 * stdin: namespace names, one per line. stdout, per name, one of
 *   {"ns":N,"links":[…],"addrs":[…],"routes":[…],"proxies":[…]}
 *   {"ns":N,"gone":1}                   (no /run/netns/N)
 *   {"ns":N,"error":"…"}                (could not enter, or the dump kept being interrupted)
 * The formatting rules follow iproute2 6.1's `ip -j` so both readers give the same model
 * (test/kernel/netlink-read.test.ts compares them on a kernel). NETLINK_CORE is shared with
 * the fan-out's launcher (enter-script.ts), which reads back the namespaces it configures.
 */
/** Perl shared by nsnet's programs: JSON output, netlink dumps, one namespace's state. */
export const NETLINK_CORE = String.raw`
use strict; use warnings;
use Socket qw(inet_ntop inet_pton AF_INET AF_INET6);
my $seq = 0;
my %proto = (0=>"unspec",1=>"redirect",2=>"kernel",4=>"static",8=>"gated",9=>"ra",10=>"mrt",11=>"zebra",
  12=>"bird",13=>"dnrouted",14=>"xorp",15=>"ntk",16=>"dhcp",18=>"keepalived",42=>"babel",99=>"openr",
  186=>"bgp",187=>"isis",188=>"ospf",189=>"rip",192=>"eigrp");
my %scope = (200=>"site",253=>"link",254=>"host",255=>"nowhere");
my %macvlan = (1=>"private",2=>"vepa",4=>"bridge",8=>"passthru",16=>"source");
my %ipvlan = (0=>"l2",1=>"l3",2=>"l3s");

sub js { my $s = shift; $s =~ s/([\\"])/\\$1/g; $s =~ s/([\x00-\x1f\x7f])/sprintf("\\u%04x", ord $1)/ge; return "\"$s\""; }
sub obj { my @kv = @_; my @o; while (@kv) { my ($k, $v) = splice(@kv, 0, 2); push @o, js($k) . ":" . $v if defined $v; } return "{" . join(",", @o) . "}"; }
sub attrs {
  my ($d, $o) = @_; my %a;
  while ($o + 4 <= length $d) {
    my ($l, $t) = unpack("SS", substr($d, $o, 4)); last if $l < 4;
    $a{$t & 0x3fff} = substr($d, $o + 4, $l - 4); $o += ($l + 3) & ~3;
  }
  return \%a;
}
sub str { my $v = shift; return undef unless defined $v; $v =~ s/\0.*//s; return $v; }
sub u32 { my $v = shift; return defined $v ? unpack("L", $v) : undef; }
sub ntop { my ($fam, $b) = @_; return undef unless defined $b;
  return inet_ntop(AF_INET, $b) if $fam == 2 && length $b == 4; return inet_ntop(AF_INET6, $b) if $fam == 10 && length $b == 16; return undef; }
sub lladdr { my ($type, $b) = @_; return undef unless defined $b && length $b;
  return inet_ntop(AF_INET, $b) if length $b == 4 && ($type == 768 || $type == 776 || $type == 778);
  return inet_ntop(AF_INET6, $b) if length $b == 16 && ($type == 769 || $type == 823);
  return join(":", map { sprintf("%02x", $_) } unpack("C*", $b)); }

# one dump: (messages of the type asked for, interrupted?)
sub dump_of {
  my ($sock, $type, $body) = @_;
  my $s = ++$seq;
  send($sock, pack("LSSLL", 16 + length $body, $type, 0x301, $s, 0) . $body, 0) or die "send: $!\n";
  my (@msgs, $intr);
  while (1) {
    my $buf = ""; defined(recv($sock, $buf, 1 << 20, 0)) or die "recv: $!\n";
    my $o = 0;
    while ($o + 16 <= length $buf) {
      my ($len, $t, $flags, $ms) = unpack("LSSL", substr($buf, $o, 12));
      last if $len < 16;
      if ($ms == $s) {
        $intr = 1 if $flags & 0x10;
        return (\@msgs, $intr) if $t == 3;
        if ($t == 2) { my $e = unpack("l", substr($buf, $o + 16, 4)); die "netlink error " . -$e . "\n" if $e; }
        else { push @msgs, substr($buf, $o + 16, $len - 16); }
      }
      $o += ($len + 3) & ~3;
    }
  }
}

# the namespace the socket is in: links, addresses (in link order), main-table routes and
# proxy entries, as nsnet's model has them; undef when a dump was interrupted
sub read_state {
  my $sock = shift;
  my ($lm, $i1) = dump_of($sock, 18, pack("CxSlLL", 0, 0, 0, 0, 0));
  my ($am, $i2) = dump_of($sock, 22, pack("CCCCL", 0, 0, 0, 0, 0));
  my ($rm, $i3) = dump_of($sock, 26, pack("CCCCCCCCL", 0, 0, 0, 0, 0, 0, 0, 0, 0));
  my ($nm, $i4) = dump_of($sock, 30, pack("CxxxlSCC", 0, 0, 0, 8, 0));
  return undef if $i1 || $i2 || $i3 || $i4;
  my (%name, @order, @raw, @links);
  for my $m (@$lm) {
    my (undef, $type, $index, $flags) = unpack("CxSlL", $m);
    my $a = attrs($m, 16);
    $name{$index} = str($a->{3}) // ""; push @order, $index;
    push @raw, [$index, $type, $flags, $a];
  }
  for my $r (@raw) {
    my ($index, $type, $flags, $a) = @$r;
    my %l = (name => $name{$index}, ifindex => $index, up => ($flags & 1 ? 1 : 0));
    my $kind;
    if (defined $a->{18}) {
      my $li = attrs($a->{18}, 0); $kind = str($li->{1});
      my $data = defined $li->{2} ? attrs($li->{2}, 0) : {};
      if (defined $kind && defined $data->{1}) {
        if ($kind eq "macvlan" || $kind eq "macvtap") { $l{mode} = $macvlan{u32($data->{1})}; }
        elsif ($kind eq "ipvlan") { $l{mode} = $ipvlan{unpack("S", $data->{1})}; }
        elsif ($kind eq "vlan") { $l{vlanId} = unpack("S", $data->{1}); }
      }
    }
    $kind = "loopback" if !defined $kind && $type == 772;
    $l{kind} = $kind // "";
    $l{alias} = str($a->{20});
    my $master = u32($a->{10}); $l{master} = $name{$master} // "if$master" if defined $master;
    $l{mtu} = u32($a->{4});
    $l{mac} = lladdr($type, $a->{1});
    my $nsid = defined $a->{37} ? unpack("l", $a->{37}) : undef;
    $l{linkNetnsId} = $nsid if defined $nsid && $nsid >= 0;
    my $link = u32($a->{5}); $l{linkIndex} = $link if $link && defined $a->{37};
    push @links, \%l;
  }
  my %addrs;
  for my $m (@$am) {
    my ($fam, $plen, undef, undef, $index) = unpack("CCCCL", $m);
    my $a = attrs($m, 8); my $local = ntop($fam, $a->{2} // $a->{1});
    push @{$addrs{$index}}, { dev => $name{$index} // "if$index", local => $local, prefixlen => $plen } if defined $local;
  }
  my @routes;
  for my $m (@$rm) {
    my ($fam, $dlen, undef, undef, $table, $proto, $sc, undef, $rflags) = unpack("CCCCCCCCL", $m);
    next unless $fam == 2 || $fam == 10;
    next if $rflags & 0x200;
    my $a = attrs($m, 12); $table = u32($a->{15}) if defined $a->{15};
    next unless $table == 254;
    my %r = (family => ($fam == 2 ? 4 : 6));
    $r{dst} = defined $a->{1} ? ntop($fam, $a->{1}) . "/$dlen" : $dlen ? ($fam == 2 ? "0" : "::") . "/$dlen" : "default";
    $r{via} = ntop($fam, $a->{5});
    if (!defined $r{via} && defined $a->{18} && length $a->{18} >= 2) { my $vf = unpack("S", $a->{18}); $r{via} = ntop($vf, substr($a->{18}, 2)); $r{viaOther} = 1; }
    my $oif = u32($a->{4}); $r{dev} = $name{$oif} // "if$oif" if defined $oif;
    $r{onlink} = 1 if $rflags & 4;
    $r{proto} = $proto{$proto} // "$proto" unless $proto == 3;
    $r{scope} = $scope{$sc} // "$sc" if $sc;
    push @routes, \%r;
  }
  my @proxies;
  for my $m (@$nm) {
    my ($fam, $index, undef, $nflags) = unpack("CxxxlSC", $m);
    next unless $nflags & 8;
    my $dst = ntop($fam, attrs($m, 12)->{1}); next unless defined $dst;
    push @proxies, { addr => $dst, dev => ($index ? ($name{$index} // "if$index") : "") };
  }
  return { links => \@links, addrs => [map { @{$addrs{$_} // []} } @order], routes => \@routes, proxies => \@proxies };
}

sub jstr { my $v = shift; return defined $v ? js($v) : undef; }

# into a named namespace and back. enter_ns returns () when in, else nsenter's words for
# why not and whether the namespace is simply gone (no /run/netns/NS)
open(my $home, "<", "/proc/self/ns/net") or die "own netns: $!
";
sub enter_ns {
  my ($setns, $ns) = @_;
  my $fh;
  return ("nsenter: cannot open /run/netns/$ns: $!", $!{ENOENT} ? 1 : 0) if $ns =~ m{/} || !open($fh, "<", "/run/netns/$ns");
  my $why = syscall($setns, fileno($fh), 0x40000000) == 0 ? undef : "nsenter: reassociate to namespace /run/netns/$ns failed: $!";
  close $fh;
  return defined $why ? ($why, 0) : ();
}
sub leave_ns { syscall($_[0], fileno($home), 0x40000000) == 0 or die "setns back: $!\n"; }
`;

export const NETLINK_READER = `${NETLINK_CORE}${String.raw`
my $SETNS = shift @ARGV; die "no setns number\n" unless defined $SETNS && $SETNS =~ /^\d+$/;

# one namespace in nsnet's model (src/model/live.ts), without the "ns" of each record
sub model_json {
  my $st = shift;
  my @lj = map { obj(name => js($_->{name}), ifindex => $_->{ifindex}, kind => js($_->{kind}), up => ($_->{up} ? "true" : "false"),
      alias => jstr($_->{alias}), master => jstr($_->{master}), mtu => $_->{mtu}, mac => jstr($_->{mac}),
      linkIndex => $_->{linkIndex}, linkNetnsId => $_->{linkNetnsId}, mode => jstr($_->{mode}), vlanId => $_->{vlanId}) } @{$st->{links}};
  my @aj = map { obj(dev => js($_->{dev}), cidr => js("$_->{local}/$_->{prefixlen}")) } @{$st->{addrs}};
  my @rj = map { obj(dst => js($_->{dst}), family => $_->{family}, via => jstr($_->{via}), dev => jstr($_->{dev}),
      onlink => ($_->{onlink} ? "true" : undef), proto => jstr($_->{proto}), scope => jstr($_->{scope})) } @{$st->{routes}};
  my @pj = map { obj(addr => js($_->{addr}), dev => js($_->{dev})) } @{$st->{proxies}};
  return join(",", '"links":[' . join(",", @lj) . "]", '"addrs":[' . join(",", @aj) . "]",
    '"routes":[' . join(",", @rj) . "]", '"proxies":[' . join(",", @pj) . "]");
}

while (my $ns = <STDIN>) {
  chomp $ns; next if $ns eq "";
  if ($ns =~ m{/} || $ns =~ /^\./) { print obj(ns => js($ns), error => js("not a namespace name")), "\n"; next; }
  my ($why, $gone) = enter_ns($SETNS, $ns);
  if (defined $why) { print $gone ? obj(ns => js($ns), gone => 1) : obj(ns => js($ns), error => js($why)), "\n"; next; }
  my ($st, $err);
  for my $try (1 .. 5) {
    socket(my $sock, 16, 3, 0) or die "netlink socket: $!\n";
    $st = eval { read_state($sock) };
    if ($@) { chomp($err = $@); $st = undef; last; }
    close $sock;
    last if defined $st;
  }
  $err //= "dump interrupted 5 times" unless defined $st;
  print defined $st ? "{" . '"ns":' . js($ns) . "," . model_json($st) . "}\n" : obj(ns => js($ns), error => js($err)) . "\n";
  leave_ns($SETNS);
}
`}`;
