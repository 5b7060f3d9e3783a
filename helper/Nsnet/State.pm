package Nsnet::State;

# One namespace's state in nsnet's model (src/model/live.ts): links, addresses (in link
# order), main-table routes and proxy entries, dumped over rtnetlink and formatted as
# iproute2 6.1's `ip -d -j` shows them, so the helper and `ip` give the same model
# (test/kernel/netlink-read.test.ts compares them on a kernel). Also the JSON writer.

use strict;
use warnings;
use Exporter qw(import);
use Nsnet::Netlink qw(fail nl_dump nl_attrs cstr);

our @EXPORT_OK = qw(read_state state_json ntop js obj jstr dump_links link_index);

my %PROTO = (
    0   => 'unspec', 1   => 'redirect', 2   => 'kernel', 4   => 'static', 8   => 'gated', 9   => 'ra',
    10  => 'mrt',    11  => 'zebra',    12  => 'bird',   13  => 'dnrouted', 14 => 'xorp', 15 => 'ntk',
    16  => 'dhcp',   18  => 'keepalived', 42 => 'babel', 99  => 'openr', 186 => 'bgp', 187 => 'isis',
    188 => 'ospf',   189 => 'rip',      192 => 'eigrp',
);
my %SCOPE   = (200 => 'site', 253 => 'link', 254 => 'host', 255 => 'nowhere');
my %MACVLAN = (1 => 'private', 2 => 'vepa', 4 => 'bridge', 8 => 'passthru', 16 => 'source');
my %IPVLAN  = (0 => 'l2', 1 => 'l3', 2 => 'l3s');

# --- JSON (what the helper prints is nsnet's to read: strings escaped, nothing else) ---

sub js {
    my ($s) = @_;
    $s =~ s/([\\"])/\\$1/g;
    $s =~ s/([\x00-\x1f\x7f])/sprintf('\\u%04x', ord $1)/ge;
    return qq{"$s"};
}

# an object from key/value pairs, values already JSON; undef values left out
sub obj {
    my @kv = @_;
    my @o;
    while (@kv) {
        my ($k, $v) = splice @kv, 0, 2;
        push @o, js($k) . q{:} . $v if defined $v;
    }
    return '{' . join(q{,}, @o) . '}';
}

sub jstr {
    my ($v) = @_;
    return defined $v ? js($v) : undef;
}

# --- addresses as glibc's inet_ntop writes them (iproute2 prints them with it) ---

sub ntop {
    my ($family, $b) = @_;
    return if !defined $b;
    return join q{.}, unpack 'C4', $b if $family == 2 && length $b == 4;
    return if $family != 10 || length $b != 16;
    my @w = unpack 'n8', $b;
    # the longest run of zero words (the first of equals), if at least two long, becomes ::
    my ($best, $best_len, $cur, $cur_len) = (-1, 0, -1, 0);
    for my $i (0 .. 7) {
        if ($w[$i] == 0) {
            ($cur, $cur_len) = ($i, 0) if $cur < 0;
            $cur_len++;
            ($best, $best_len) = ($cur, $cur_len) if $cur_len > $best_len;
        } else {
            $cur = -1;
        }
    }
    $best = -1 if $best_len < 2;
    my $out = q{};
    for my $i (0 .. 7) {
        if ($best >= 0 && $i >= $best && $i < $best + $best_len) {
            $out .= q{:} if $i == $best;
            next;
        }
        $out .= q{:} if $i;
        # an IPv4-compatible or -mapped address ends in dotted quad
        if ($i == 6 && $best == 0 && ($best_len == 6 || ($best_len == 5 && $w[5] == 0xffff))) {
            return $out . join q{.}, unpack 'x12 C4', $b;
        }
        $out .= sprintf '%x', $w[$i];
    }
    $out .= q{:} if $best >= 0 && $best + $best_len == 8;
    return $out;
}

sub u32 {
    my ($v) = @_;
    return if !defined $v;
    fail('EPROTO', 'short u32 attribute') if length $v < 4;
    return unpack 'L', $v;
}

# a link's hardware address: dotted for IPv4 tunnels, IPv6-style for IPv6 ones, else hex
sub lladdr {
    my ($type, $b) = @_;
    return if !defined $b || !length $b;
    return ntop(2, $b) if length $b == 4 && ($type == 768 || $type == 776 || $type == 778);
    return ntop(10, $b) if length $b == 16 && ($type == 769 || $type == 823);
    return join q{:}, map { sprintf '%02x', $_ } unpack 'C*', $b;
}

# the fixed header of a dumped message, after checking it is all there
sub head {
    my ($m, $len, $template) = @_;
    fail('EPROTO', 'truncated message body') if length $m < $len;
    return unpack $template, $m;
}

# --- the four dumps ---

sub dump_links {
    my ($nl) = @_;
    my ($msgs, $intr) = nl_dump($nl, 18, 16, pack 'CxSlLL', 0, 0, 0, 0, 0);
    my @raw;
    for my $m (@{$msgs}) {
        my (undef, $type, $index, $flags) = head($m, 16, 'CxSlL');
        push @raw, [$index, $type, $flags, nl_attrs($m, 16)];
    }
    return (\@raw, $intr);
}

# name → ifindex of the links a dump found
sub link_index {
    my ($raw) = @_;
    return { map { ((cstr($_->[3]{3}) // q{}) => $_->[0]) } @{$raw} };
}

sub links_of {
    my ($raw, $name) = @_;
    my @links;
    for my $r (@{$raw}) {
        my ($index, $type, $flags, $a) = @{$r};
        my %l = (name => $name->{$index}, ifindex => $index, up => ($flags & 1 ? 1 : 0));
        my $kind;
        if (defined $a->{18}) {
            my $li = nl_attrs($a->{18}, 0);
            $kind = cstr($li->{1});
            # a bridge port's hairpin mode (IFLA_INFO_SLAVE_DATA's IFLA_BRPORT_MODE), as ip -d shows it
            if ((cstr($li->{4}) // q{}) eq 'bridge' && defined $li->{5}) {
                my $port = nl_attrs($li->{5}, 0);
                $l{hairpin} = unpack('C', $port->{4}) ? 1 : 0 if defined $port->{4} && length $port->{4};
            }
            my $data = defined $li->{2} ? nl_attrs($li->{2}, 0) : {};
            if (defined $kind && defined $data->{1}) {
                if ($kind eq 'macvlan' || $kind eq 'macvtap') { $l{mode} = $MACVLAN{u32($data->{1})} }
                elsif ($kind eq 'ipvlan')                     { $l{mode} = $IPVLAN{unpack 'S', $data->{1}} }
                elsif ($kind eq 'vlan')                       { $l{vlanId} = unpack 'S', $data->{1} }
            }
        }
        $kind = 'loopback' if !defined $kind && $type == 772;
        $l{kind}  = $kind // q{};
        $l{alias} = cstr($a->{20});
        my $master = u32($a->{10});
        $l{master} = $name->{$master} // "if$master" if defined $master;
        $l{mtu} = u32($a->{4});
        $l{mac} = lladdr($type, $a->{1});
        my $nsid = defined $a->{37} ? unpack 'l', $a->{37} : undef;
        $l{linkNetnsId} = $nsid if defined $nsid && $nsid >= 0;
        my $link = u32($a->{5});
        $l{linkIndex} = $link if $link && defined $a->{37};
        push @links, \%l;
    }
    return \@links;
}

sub addrs_of {
    my ($msgs, $name, $order) = @_;
    my %by;
    for my $m (@{$msgs}) {
        my ($family, $plen, undef, undef, $index) = head($m, 8, 'CCCCL');
        my $a     = nl_attrs($m, 8);
        my $local = ntop($family, $a->{2} // $a->{1});
        next if !defined $local;
        my %addr = (dev => $name->{$index} // "if$index", cidr => "$local/$plen");
        # IFA_BROADCAST, as `ip -j addr` prints it (IPv4 only)
        my $brd = $family == 2 ? ntop($family, $a->{4}) : undef;
        $addr{brd} = $brd if defined $brd;
        push @{$by{$index}}, \%addr;
    }
    return [map { @{$by{$_} // []} } @{$order}];
}

sub routes_of {
    my ($msgs, $name) = @_;
    my @routes;
    for my $m (@{$msgs}) {
        my ($family, $dlen, undef, undef, $table, $proto, $scope, undef, $rflags) = head($m, 12, 'CCCCCCCCL');
        next if $family != 2 && $family != 10;
        next if $rflags & 0x200;    # RTM_F_CLONED: a cache entry
        my $a = nl_attrs($m, 12);
        $table = u32($a->{15}) if defined $a->{15};
        next if $table != 254;
        my %r = (family => ($family == 2 ? 4 : 6));
        my $dst = ntop($family, $a->{1});
        $r{dst} = defined $dst ? "$dst/$dlen" : $dlen ? ($family == 2 ? '0' : q{::}) . "/$dlen" : 'default';
        $r{via} = ntop($family, $a->{5});
        # RTA_VIA: a gateway of the other family
        if (!defined $r{via} && defined $a->{18} && length $a->{18} >= 2) {
            $r{via} = ntop(unpack('S', $a->{18}), substr $a->{18}, 2);
        }
        my $oif = u32($a->{4});
        $r{dev}    = $name->{$oif} // "if$oif" if defined $oif;
        $r{onlink} = 1 if $rflags & 4;
        $r{proto}  = $PROTO{$proto} // "$proto" if $proto != 3;
        $r{scope}  = $SCOPE{$scope} // "$scope" if $scope;
        push @routes, \%r;
    }
    return \@routes;
}

sub proxies_of {
    my ($msgs, $name) = @_;
    my @out;
    for my $m (@{$msgs}) {
        my ($family, $index, undef, $nflags) = head($m, 12, 'CxxxlSC');
        next if !($nflags & 8);    # NTF_PROXY
        my $dst = ntop($family, nl_attrs($m, 12)->{1});
        push @out, { addr => $dst, dev => ($index ? ($name->{$index} // "if$index") : q{}) } if defined $dst;
    }
    return \@out;
}

# The namespace the socket is in, or undef when a dump was interrupted (the caller dumps
# again). Also the links' name → ifindex, for ops that name devices.
sub read_state {
    my ($nl) = @_;
    my ($raw, $i1) = dump_links($nl);
    my ($am, $i2) = nl_dump($nl, 22, 20, pack 'CCCCL', 0, 0, 0, 0, 0);
    my ($rm, $i3) = nl_dump($nl, 26, 24, pack 'CCCCCCCCL', 0, 0, 0, 0, 0, 0, 0, 0, 0);
    my ($nm, $i4) = nl_dump($nl, 30, 28, pack 'CxxxlSCC', 0, 0, 0, 8, 0);
    return if $i1 || $i2 || $i3 || $i4;
    my %name  = map { ($_->[0] => cstr($_->[3]{3}) // q{}) } @{$raw};
    my @order = map { $_->[0] } @{$raw};
    return {
        links   => links_of($raw, \%name),
        addrs   => addrs_of($am, \%name, \@order),
        routes  => routes_of($rm, \%name),
        proxies => proxies_of($nm, \%name),
    };
}

sub state_json {
    my ($st) = @_;
    my @links = map {
        obj(name => js($_->{name}), ifindex => $_->{ifindex}, kind => js($_->{kind}), up => ($_->{up} ? 'true' : 'false'),
            alias => jstr($_->{alias}), master => jstr($_->{master}), mtu => $_->{mtu}, mac => jstr($_->{mac}),
            linkIndex => $_->{linkIndex}, linkNetnsId => $_->{linkNetnsId}, mode => jstr($_->{mode}), vlanId => $_->{vlanId},
            hairpin => (defined $_->{hairpin} ? ($_->{hairpin} ? 'true' : 'false') : undef))
    } @{$st->{links}};
    my @addrs  = map { obj(dev => js($_->{dev}), cidr => js($_->{cidr}), brd => jstr($_->{brd})) } @{$st->{addrs}};
    my @routes = map {
        obj(dst => js($_->{dst}), family => $_->{family}, via => jstr($_->{via}), dev => jstr($_->{dev}),
            onlink => ($_->{onlink} ? 'true' : undef), proto => jstr($_->{proto}), scope => jstr($_->{scope}))
    } @{$st->{routes}};
    my @proxies = map { obj(addr => js($_->{addr}), dev => js($_->{dev})) } @{$st->{proxies}};
    my $list = sub { return '[' . join(q{,}, @_) . ']' };
    return obj(links => $list->(@links), addrs => $list->(@addrs), routes => $list->(@routes), proxies => $list->(@proxies));
}

1;
