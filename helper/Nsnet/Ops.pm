package Nsnet::Ops;

# The ops of nsnet's protocol (src/exec/helper-protocol.ts), each sent as the rtnetlink
# request `ip` sends for the same effect: the same message type, flags, defaults (table
# main, protocol boot, scope universe — link without a gateway, host for 127/8) and
# attributes (test/kernel/netlink-read.test.ts applies the same ops through both and
# compares the kernels). Also the two that are no netlink: a sysctl, written to /proc/sys
# (which follows the writer's network namespace), and an nft ruleset, given to an `nft`
# exec'd in the namespace.
#
# An op is the list of its request line's fields. `apply_op` returns undef when done, else
# the failure { errno, strerror[, detail][, extack][, exit, output][, uncertain] }.

use strict;
use warnings;
use Exporter qw(import);
use Nsnet::Netlink qw(fail nl_request rta nest);

our @EXPORT_OK = qw(apply_op unhex);

use constant {
    RTM_NEWLINK  => 16,
    RTM_NEWADDR  => 20,
    RTM_DELADDR  => 21,
    RTM_NEWROUTE => 24,
    RTM_DELROUTE => 25,
    RTM_NEWNEIGH => 28,
    RTM_DELNEIGH => 29,
    CREATE_EXCL  => 0x600,    # NLM_F_CREATE | NLM_F_EXCL, as `ip … add` sends
    IFF_UP       => 1,
    O_WRONLY     => 1,        # the same on every Linux architecture
};

sub unhex {
    my ($h) = @_;
    return pack 'H*', $h;
}

sub family_of {
    my ($f) = @_;
    return $f == 4 ? 2 : 10;
}

# an ifindex, or the failure `ip` reports for a device it cannot find
sub index_of {
    my ($index, $dev) = @_;
    my $i = $index->{$dev};
    fail('ENODEV', "Cannot find device \"$dev\"") if !$i;
    return $i;
}

sub ifinfo {
    my ($i, $flags, $change, @attrs) = @_;
    return pack('CxSlLL', 0, 0, $i, $flags, $change) . join q{}, @attrs;
}

sub link_op {
    my ($nl, $index, $k, $dev, $arg) = @_;
    my $i = index_of($index, unhex($dev));
    return nl_request($nl, RTM_NEWLINK, 0, ifinfo($i, $arg ? IFF_UP : 0, IFF_UP)) if $k eq 'updown';
    return nl_request($nl, RTM_NEWLINK, 0, ifinfo($i, 0, 0, rta(20, unhex($arg)))) if $k eq 'alias';
    return nl_request($nl, RTM_NEWLINK, 0, ifinfo($i, 0, 0, rta(4, pack 'L', $arg))) if $k eq 'mtu';
    return nl_request($nl, RTM_NEWLINK, 0, ifinfo($i, 0, 0, rta(1, unhex($arg)))) if $k eq 'hwaddr';
    if ($k eq 'master') {
        my $m = $arg eq q{-} ? 0 : index_of($index, unhex($arg));
        return nl_request($nl, RTM_NEWLINK, 0, ifinfo($i, 0, 0, rta(10, pack 'L', $m)));
    }
    # the multicast hold-off (src/exec/mcast-holdoff.ts): the bridge port's mcast_flood, given
    # to the port's master (IFLA_LINKINFO { IFLA_INFO_SLAVE_DATA { IFLA_BRPORT_MCAST_FLOOD } })
    return nl_request($nl, RTM_NEWLINK, 0, ifinfo($i, 0, 0, nest(18, nest(5, rta(27, pack 'C', $arg)))));
}

sub addr_op {
    my ($nl, $index, $verb, $dev, $family, $hex, $len) = @_;
    my $i = index_of($index, unhex($dev));
    my $a = unhex($hex);
    my $f = family_of($family);
    # ip's default scope for a new address: host for 127/8, else universe
    my $scope = $verb eq 'add' && $f == 2 && unpack('C', $a) == 127 ? 254 : 0;
    my $body = pack('CCCCL', $f, $len, 0, $scope, $i) . rta(2, $a) . rta(1, $a);
    # an IPv4 address below /31 gets its broadcast address, as `ip addr add … brd +` sends it
    # (IFA_BROADCAST, after IFA_LOCAL and IFA_ADDRESS)
    $body .= rta(4, pack 'N', unpack('N', $a) | (0xffffffff >> $len)) if $verb eq 'add' && $f == 2 && $len < 31;
    return $verb eq 'add' ? nl_request($nl, RTM_NEWADDR, CREATE_EXCL, $body) : nl_request($nl, RTM_DELADDR, 0, $body);
}

sub route_op {
    my ($nl, $index, $verb, $family, $dst, $len, $via, $dev, $onlink) = @_;
    my $add = $verb eq 'add';
    # add: protocol boot, type unicast, scope universe with a gateway and link without;
    # delete: protocol and type unspecified, scope nowhere (what `ip route del` sends)
    my ($proto, $scope, $type) = $add ? (3, ($via eq q{-} ? 253 : 0), 1) : (0, 255, 0);
    my $body = pack 'CCCCCCCCL', family_of($family), $len, 0, 0, 254, $proto, $scope, $type, ($onlink eq 'onlink' ? 4 : 0);
    $body .= rta(1, unhex($dst)) if $dst ne q{-};
    $body .= rta(5, unhex($via)) if $via ne q{-};
    $body .= rta(4, pack 'L', index_of($index, unhex($dev))) if $dev ne q{-};
    return $add ? nl_request($nl, RTM_NEWROUTE, CREATE_EXCL, $body) : nl_request($nl, RTM_DELROUTE, 0, $body);
}

sub proxy_op {
    my ($nl, $index, $verb, $dev, $family, $hex) = @_;
    my $i = index_of($index, unhex($dev));
    # NUD_PERMANENT, NTF_PROXY
    my $body = pack('CxxxlSCC', family_of($family), $i, 0x80, 8, 0) . rta(1, unhex($hex));
    return $verb eq 'add' ? nl_request($nl, RTM_NEWNEIGH, CREATE_EXCL, $body) : nl_request($nl, RTM_DELNEIGH, 0, $body);
}

# a value written to /proc/sys/PATH as sysctl(8) writes it: once, with a newline
sub sysctl_op {
    my ($path, $hex) = @_;
    sysopen my $fh, '/proc/sys/' . unhex($path), O_WRONLY or fail($! + 0);
    my $value = unhex($hex) . "\n";
    my $n = syswrite $fh, $value;
    my $errno = defined $n ? 0 : $! + 0;
    # procfs reports a refused value at write(2); close(2) has nothing left to say
    close $fh or 1;
    fail($errno) if $errno;
    fail('EIO', 'short write') if $n != length $value;
    return;
}

# nft, exec'd in this namespace with the ruleset on its stdin: `nft -c -f -` first, then
# `nft -f -` (one atomic transaction). Its output is for the person reading the failure.
sub nft_run {
    my ($ruleset, @flags) = @_;
    pipe my $in_r, my $in_w or fail($! + 0, 'pipe');
    pipe my $out_r, my $out_w or fail($! + 0, 'pipe');
    my $pid = fork;
    fail($! + 0, 'fork') if !defined $pid;
    if ($pid == 0) {
        close $in_w;
        close $out_r;
        open STDIN,  '<&', $in_r  or exit 127;
        open STDOUT, '>&', $out_w or exit 127;
        open STDERR, '>&', $out_w or exit 127;
        {
            no warnings 'exec';    ## no critic (ProhibitNoWarnings) -- the failure is said below, once
            exec {'nft'} 'nft', @flags, '-f', q{-};
        }
        print {*STDERR} "cannot run nft: $!\n" or 1;
        require POSIX;
        POSIX::_exit(127);
    }
    close $in_r;
    close $out_w;
    local $SIG{PIPE} = 'IGNORE';
    print {$in_w} $ruleset or 1;
    close $in_w or 1;
    my $said = do { local $/ = undef; <$out_r> } // q{};
    close $out_r or 1;
    waitpid $pid, 0;
    my $status = $?;
    return if $status == 0;
    my $exit = $status & 127 ? 128 + ($status & 127) : $status >> 8;
    my $e = { errno => 0, strerror => "nft exited with $exit", exit => $exit, output => $said };
    # a ruleset is one transaction: refused whole, unless nft was killed around its commit
    $e->{uncertain} = 1 if $status & 127;
    return $e;
}

# One op line's fields after `op`: undef when done, else the failure.
sub apply_op {
    my ($nl, $index, $kind, @f) = @_;
    my $r = eval {
        return nft_run(unhex($f[0]), '-c') // nft_run(unhex($f[0])) if $kind eq 'nft';
        return sysctl_op(@f) if $kind eq 'sysctl';
        return addr_op($nl->(), $index->(), @f) if $kind eq 'addr';
        return route_op($nl->(), $index->(), @f) if $kind eq 'route';
        return proxy_op($nl->(), $index->(), @f) if $kind eq 'proxy';
        return link_op($nl->(), $index->(), $kind, @f);
    };
    return $r if !$@;
    die $@ if ref $@ ne 'HASH';
    return $@;
}

1;
