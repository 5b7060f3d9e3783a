#!/usr/bin/perl
# Byte-level cases for nsnet's helper (helper/), no kernel and no root: the helper's own
# functions driven by a fake socket that answers each request with canned datagrams, the
# way rtnetlink would (several recv()s per dump, interrupted dumps, an errno in NLMSG_DONE,
# messages cut short, error ACKs with the kernel's extended ACK). Prints one JSON object:
# each case's outcome, which test/helper/helper.test.ts holds to what it must be.
#
# argv: the absolute path of helper/.

use strict;
use warnings;
use Errno ();
use JSON::PP ();
use Socket ();
use Time::HiRes ();

my $dir = shift @ARGV or die "usage: bytes.pl HELPER_DIR\n";
unshift @INC, $dir;
require "$dir/nsnet-helper.pl";    ## no critic (RequireBarewordIncludes) -- the program as a library: main() does not run
Nsnet::Netlink->import(qw(nl_dump nl_request nl_messages nl_attrs rta));
Nsnet::State->import(qw(read_state ntop));
Nsnet::Ops->import(qw(apply_op));

# errno names; of two names for one number (EAGAIN, EWOULDBLOCK) the first in ASCII order
my %name_of;
$name_of{Errno->can($_)->()} //= $_ for sort grep { Errno->can($_) } @Errno::EXPORT_OK;
sub ename { my ($n) = @_; return $name_of{$n} // $n }

# --- datagrams as the kernel writes them ---
use constant { MULTI => 0x2, INTR => 0x10, CAPPED => 0x100, ACK_TLVS => 0x200 };

sub nlmsg {
    my ($type, $flags, $seq, $payload) = @_;
    my $len = 16 + length $payload;
    return pack('LSSLL', $len, $type, $flags, $seq, 0) . $payload . ("\0" x ((4 - $len % 4) % 4));
}
sub link_msg {
    my ($seq, $index, $name, $flags) = @_;
    return nlmsg(16, MULTI | ($flags // 0), $seq, pack('CxSlLL', 0, 1, $index, 1, 0) . rta(3, "$name\0") . rta(4, pack 'L', 1500));
}
sub done { my ($seq, $err, $flags, $tlv) = @_; return nlmsg(3, MULTI | ($flags // 0), $seq, pack('l', $err // 0) . ($tlv // q{})) }
sub errmsg {
    my ($seq, $err, $flags, $echo, $tlv) = @_;
    return nlmsg(2, $flags, $seq, pack('l', $err) . $echo . ($tlv // q{}));
}
sub errno_of { my ($name) = @_; return Errno->can($name)->() }

# A socket whose kernel answers request type T with the next of $script{T}: a list of
# datagrams, each a list of messages made for the request's sequence number.
sub fake {
    my (%script) = @_;
    my (@queue, @sent);
    my $seq = 0;
    return {
        sent => \@sent,
        seq  => sub { return ++$seq },
        send => sub {
            my ($m) = @_;
            push @sent, $m;
            my (undef, $type, undef, $s) = unpack 'LSSL', $m;
            my $answer = shift @{$script{$type} // []} // [];
            push @queue, map { my $d = $_; join q{}, map { $_->($s) } @{$d} } @{$answer};
            return;
        },
        recv => sub { return shift(@queue) // Nsnet::Netlink::fail('ETIMEDOUT', 'no answer (test)') },
    };
}
my $empty = sub { return [[sub { done($_[0]) }]] };
sub links_then {
    my (@dumps) = @_;
    return fake(18 => [@dumps], 22 => [($empty->()) x 9], 26 => [($empty->()) x 9], 30 => [($empty->()) x 9]);
}
sub attempt {
    my ($code) = @_;
    my $r = eval { $code->() };
    return $r if !$@;
    my $e = $@;
    return { died => ref $e ? { %{$e}, errno => ename($e->{errno}) } : "$e" };
}

my %out;

# a link dump over three recv()s, a stray message of an earlier request in between
my $three = [
    [sub { link_msg($_[0], 1, 'lo') }, sub { link_msg($_[0], 2, 'eth0') }],
    [sub { link_msg($_[0] - 1, 9, 'stale') }, sub { link_msg($_[0], 3, 'eth1') }],
    [sub { link_msg($_[0], 4, 'eth2') }, sub { done($_[0]) }],
];
$out{multipart} = attempt(sub { [map { $_->{name} } @{read_state(links_then($three))->{links}}] });

# NLM_F_DUMP_INTR: that read is no state; the helper dumps again (fresh_state)
my $intr = [[sub { link_msg($_[0], 1, 'lo', INTR) }, sub { done($_[0], 0, INTR) }]];
my $clean = [[sub { link_msg($_[0], 1, 'lo') }, sub { done($_[0]) }]];
$out{interrupted} = attempt(sub { defined read_state(links_then($intr)) ? 'state' : 'none' });
$out{interruptedThenClean} = attempt(sub { [map { $_->{name} } @{main::fresh_state(links_then($intr, $clean))->{links}}] });
$out{interruptedAlways} = attempt(sub { main::fresh_state(links_then(($intr) x 5)) });

# an errno in NLMSG_DONE (the kernel stopped the dump early), with its extended ACK
my $tlv  = rta(1, "dump too big\0");
my $cut  = [[sub { link_msg($_[0], 1, 'lo') }, sub { done($_[0], -errno_of('EMSGSIZE'), ACK_TLVS, $tlv) }]];
$out{doneErrno} = attempt(sub { read_state(links_then($cut)) });

# truncation: a header, a message, an attribute, a fixed header cut short
$out{shortHeader}  = attempt(sub { nl_messages("\x10\0\0\0\x03\0") });
$out{longMessage}  = attempt(sub { nl_messages(substr done(1), 0, 18) });
$out{longAttr}     = attempt(sub { nl_attrs(pack('SS', 40, 3) . 'abcd', 0) });
my $short = [[sub { nlmsg(16, MULTI, $_[0], pack 'Cx') }, sub { done($_[0]) }]];
$out{shortBody} = attempt(sub { read_state(links_then($short)) });
my $bad_attr = [[sub { nlmsg(16, MULTI, $_[0], pack('CxSlLL', 0, 1, 1, 1, 0) . pack('SS', 64, 3) . 'lo') }, sub { done($_[0]) }]];
$out{truncatedLinkAttr} = attempt(sub { read_state(links_then($bad_attr)) });

# an error ACK with the kernel's extended ACK, capped (NETLINK_CAP_ACK) and not
my $msg = rta(1, "ipv4: Address already assigned\0");
sub add_addr {
    my ($nl) = @_;
    return apply_op(sub { $nl }, sub { { eth0 => 2 } }, 'addr', 'add', unpack('H*', 'eth0'), 4, 'c0000205', 24);
}
my $exists = -errno_of('EEXIST');
$out{extackCapped} = attempt(sub {
    my $nl = fake(20 => [[[sub { errmsg($_[0], $exists, CAPPED | ACK_TLVS, pack('LSSLL', 40, 20, 0x605, $_[0], 0), $msg) }]]]);
    my $e = add_addr($nl);
    return { %{$e}, errno => ename($e->{errno}), request => unpack('H*', $nl->{sent}[0]) };
});
$out{extackEchoed} = attempt(sub {
    my $req = pack('LSSLL', 48, 20, 0x605, 1, 0) . ('x' x 32);
    my $nl  = fake(20 => [[[sub { errmsg($_[0], $exists, ACK_TLVS, $req, $msg) }]]]);
    my $e   = add_addr($nl);
    return { %{$e}, errno => ename($e->{errno}) };
});
$out{ack} = attempt(sub {
    my $nl = fake(20 => [[[sub { errmsg($_[0], 0, CAPPED, pack('LSSLL', 40, 20, 0x605, $_[0], 0)) }]]]);
    return add_addr($nl) // 'done';
});
# no answer: the op may have been done
$out{noAnswer} = attempt(sub { my $e = add_addr(fake()); return { %{$e}, errno => ename($e->{errno}) } });
# a real socket (this process's own namespace, nothing sent): recv gives up after its timeout
$out{realTimeout} = attempt(sub {
    my $nl = Nsnet::Netlink::nl_open(0.3);
    my $t0 = Time::HiRes::time();
    my $e  = eval { $nl->{recv}->(); 'answered' } // $@;
    return { errno => ename($e->{errno}), detail => $e->{detail}, waited => Time::HiRes::time() - $t0 };
});
$out{noDevice} = attempt(sub {
    my $e = apply_op(sub { fake() }, sub { {} }, 'updown', unpack('H*', 'nosuch0'), 1);
    return { %{$e}, errno => ename($e->{errno}) };
});

# the bytes of requests, as ip sends them
sub sent_by {
    my ($kind, @f) = @_;
    my $nl = fake(map { ($_ => [[[sub { errmsg($_[0], 0, CAPPED, pack 'LSSLL', 16, 0, 0, $_[0], 0) }]]]) } 16, 20, 24, 28);
    apply_op(sub { $nl }, sub { { lo => 1, eth0 => 2, br0 => 3 } }, $kind, @f);
    return unpack 'H*', $nl->{sent}[0];
}
my $h = sub { return unpack 'H*', $_[0] };
$out{requests} = {
    up       => sent_by('updown', $h->('eth0'), 1),
    alias    => sent_by('alias', $h->('lo'), $h->('nsnet:p')),
    master   => sent_by('master', $h->('eth0'), $h->('br0')),
    nomaster => sent_by('master', $h->('eth0'), q{-}),
    hold     => sent_by('hold', $h->('eth0'), 0),
    loopback => sent_by('addr', 'add', $h->('lo'), 4, '7f000002', 8),
    route    => sent_by('route', 'add', 4, q{-}, 0, 'c0000201', q{-}, q{-}),
    onlink   => sent_by('route', 'add', 6, '20010db8000900000000000000000000', 48, '20010db8000700000000000000000001', $h->('eth0'), 'onlink'),
    devroute => sent_by('route', 'add', 4, 'cb007107', 32, q{-}, $h->('eth0'), q{-}),
    delroute => sent_by('route', 'del', 4, 'cb007100', 24, 'c00002fe', q{-}, q{-}),
    proxy    => sent_by('proxy', 'add', $h->('eth0'), 6, '20010db8000700000000000000000099'),
};

# addresses as glibc's inet_ntop writes them
my @v6 = qw(:: ::1 1:: 2001:db8::1 2001:db8:0:0:1:0:0:1 2001:0:0:1:0:0:0:1 1:0:0:2:0:0:3:4 ::ffff:192.0.2.1 ::192.0.2.1
    ::ffff:0:1 fe80::1:2:3:4 2001:db8:1:2:3:4:5:6 0:0:1:0:0:0:0:0 ::1:0:0:0);
$out{ntop} = [map {
    my $b = Socket::inet_pton(Socket::AF_INET6(), $_);
    [ntop(10, $b), Socket::inet_ntop(Socket::AF_INET6(), $b)]
} @v6];

# the request lines the helper takes, and what it refuses
$out{lines} = { map { ($_ => (main::parse_item($_) ? 1 : 0)) } (
    'read state', 'op updown 6c6f 1', 'op mtu 65746830 1400', 'op route add 4 - 0 c0000201 - -',
    'op route add 4 - 0 c00002 - -', 'op addr add 65746830 4 c0000205 33', 'op updown 6c6f 1; rm -rf /',
    'op updown 6C6F 1', 'op  updown 6c6f 1', 'op exec 6c6f', 'read sysctl ' . unpack('H*', 'net/ipv4/ip_forward'),
    'read sysctl ' . unpack('H*', 'net/../kernel/x'), 'read sysctl ' . unpack('H*', 'kernel/hostname'),
    'op sysctl ' . unpack('H*', 'net/ipv4/conf/a b/forwarding') . ' 31',
) };

print JSON::PP->new->canonical->encode(\%out), "\n";
