package Nsnet::Netlink;

# rtnetlink for nsnet's helper: one socket per namespace, requests acknowledged with the
# kernel's extended ACK, dumps read whole — across as many recv()s as they take — and every
# byte checked before it is read. Nothing here prints: failures are thrown as
# { errno => N, strerror => TEXT[, extack => TEXT] } (see `fail`), the caller turns them into
# the namespace's record. The socket is a hash of two closures (send, recv), so the byte
# tests (test/helper/) drive the same code with canned datagrams and no kernel.

use strict;
use warnings;
use Exporter qw(import);

our @EXPORT_OK = qw(fail nl_open nl_request nl_dump nl_messages nl_attrs nl_error rta nest cstr);

# Netlink's numbers are the same on every Linux architecture (include/uapi/linux/netlink.h,
# rtnetlink.h); the socket-level ones (SOL_SOCKET, SO_RCVTIMEO) are not, so the receive
# timeout is a select() and needs none of them.
use constant {
    AF_NETLINK      => 16,
    SOCK_RAW        => 3,
    NETLINK_ROUTE   => 0,
    SOL_NETLINK     => 270,
    NETLINK_CAP_ACK => 10,
    NETLINK_EXT_ACK => 11,
    NLMSG_HDRLEN    => 16,
    NLMSG_ERROR     => 2,
    NLMSG_DONE      => 3,
    NLMSG_OVERRUN   => 4,
    NLM_F_REQUEST   => 0x1,
    NLM_F_ACK       => 0x4,
    NLM_F_DUMP_INTR => 0x10,
    NLM_F_CAPPED    => 0x100,
    NLM_F_ACK_TLVS  => 0x200,
    NLM_F_DUMP      => 0x300,
    NLMSGERR_ATTR_MSG => 1,
    # a datagram this long may have been cut by recv(): never taken as whole
    RECV_BYTES => 1 << 20,
};

my %errno_of;

# A failure: its errno (by name from the platform's Errno, never a number of our own), its
# strerror (Perl's $! is the C locale's unless `use locale`), what the helper was doing, and
# the kernel's extended-ACK message when there is one.
sub fail {
    my ($errno, $detail, $extack) = @_;
    if ($errno !~ /\A\d+\z/) {
        require Errno;
        $errno_of{$errno} //= Errno->can($errno) ? Errno->can($errno)->() : 0;
        $errno = $errno_of{$errno};
    }
    local $! = $errno;
    my $e = { errno => $errno + 0, strerror => "$!" };
    $e->{detail} = $detail if defined $detail;
    $e->{extack} = $extack if defined $extack && length $extack;
    die $e;
}

# A NUL-terminated string attribute, without its NUL (undef stays undef).
sub cstr {
    my ($v) = @_;
    return if !defined $v;
    $v =~ s/\0.*//;
    return $v;
}

sub rta {
    my ($type, $data) = @_;
    my $len = 4 + length $data;
    return pack('SS', $len, $type) . $data . ("\0" x ((4 - $len % 4) % 4));
}

# a nested attribute: NLA_F_NESTED is not set, as iproute2 does not set it
sub nest {
    my ($type, @inner) = @_;
    return rta($type, join q{}, @inner);
}

# The messages of one datagram as [type, flags, seq, payload]. A header or a message that
# runs past the end of what was received is an error, never a shorter message.
sub nl_messages {
    my ($buf) = @_;
    my @out;
    my $end = length $buf;
    my $o = 0;
    while ($o < $end) {
        fail('EPROTO', 'truncated netlink header') if $end - $o < NLMSG_HDRLEN;
        my ($len, $type, $flags, $seq) = unpack "x$o LSSL", $buf;
        fail('EPROTO', 'truncated netlink message') if $len < NLMSG_HDRLEN || $len > $end - $o;
        push @out, [$type, $flags, $seq, substr $buf, $o + NLMSG_HDRLEN, $len - NLMSG_HDRLEN];
        $o += ($len + 3) & ~3;
    }
    return @out;
}

# The attributes of a payload from byte $o on, by type (the nested and byte-order bits
# masked off); an attribute that runs past the payload is an error.
sub nl_attrs {
    my ($data, $o) = @_;
    my %attr;
    my $end = length $data;
    fail('EPROTO', 'truncated message body') if $o > $end;
    while ($o < $end) {
        fail('EPROTO', 'truncated attribute') if $end - $o < 4;
        my ($len, $type) = unpack "x$o SS", $data;
        fail('EPROTO', 'truncated attribute') if $len < 4 || $len > $end - $o;
        $attr{$type & 0x3fff} = substr $data, $o + 4, $len - 4;
        $o += ($len + 3) & ~3;
    }
    return \%attr;
}

# The extended ACK's message after byte $o of an error or done payload, if the kernel sent one.
sub extack_after {
    my ($flags, $payload, $o) = @_;
    return if !($flags & NLM_F_ACK_TLVS);
    $o = ($o + 3) & ~3;
    return if $o >= length $payload;
    return cstr(nl_attrs($payload, $o)->{NLMSGERR_ATTR_MSG()});
}

# An NLMSG_ERROR payload: undef for an acknowledgement, else { errno, extack }.
sub nl_error {
    my ($flags, $payload) = @_;
    fail('EPROTO', 'truncated error message') if length $payload < 4 + NLMSG_HDRLEN;
    my $err = unpack 'l', $payload;
    return if $err == 0;
    # the request comes back whole unless the kernel capped it to its header (NETLINK_CAP_ACK)
    my $echoed = $flags & NLM_F_CAPPED ? NLMSG_HDRLEN : unpack 'x4 L', $payload;
    fail('EPROTO', 'truncated error message') if $echoed < NLMSG_HDRLEN || 4 + $echoed > length $payload;
    local $! = -$err;
    my $e = { errno => -$err, strerror => "$!" };
    my $extack = extack_after($flags, $payload, 4 + $echoed);
    $e->{extack} = $extack if defined $extack && length $extack;
    return $e;
}

# A socket in the namespace the process is in now. recv waits at most $timeout seconds:
# a kernel that does not answer fails the request, it does not hang the helper.
sub nl_open {
    my ($timeout) = @_;
    socket my $fh, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE or fail($! + 0, 'netlink socket');
    # the kernel's own words for a refusal (Linux 4.12+; older kernels just say less)
    setsockopt $fh, SOL_NETLINK, NETLINK_EXT_ACK, pack('i', 1) or 1;
    setsockopt $fh, SOL_NETLINK, NETLINK_CAP_ACK, pack('i', 1) or 1;
    my $seq = 0;
    return {
        fh   => $fh,
        seq  => sub { return ++$seq },
        send => sub {
            my ($bytes) = @_;
            defined send($fh, $bytes, 0) or fail($! + 0, 'netlink send');
            return;
        },
        recv => sub {
            my $bits = q{};
            vec($bits, fileno $fh, 1) = 1;
            while (1) {
                my $n = select my $ready = $bits, undef, undef, $timeout;
                last if $n > 0;
                next if $n < 0 && $!{EINTR};
                fail($n < 0 ? $! + 0 : 'ETIMEDOUT', $n < 0 ? 'netlink select' : "no answer from the kernel in $timeout s");
            }
            my $buf = q{};
            defined recv($fh, $buf, RECV_BYTES, 0) or fail($! + 0, 'netlink recv');
            fail('EMSGSIZE', 'netlink datagram too long') if length $buf >= RECV_BYTES;
            return $buf;
        },
    };
}

sub header {
    my ($nl, $type, $flags, $body) = @_;
    my $seq = $nl->{seq}->();
    return ($seq, pack('LSSLL', NLMSG_HDRLEN + length $body, $type, $flags, $seq, 0) . $body);
}

# One request, acknowledged: undef when the kernel did it, else { errno, strerror[, extack] }.
# A failure after the request went out (no answer in time, an answer cut short) may have
# come after the kernel did it: that failure says `uncertain`.
sub nl_request {
    my ($nl, $type, $flags, $body) = @_;
    my ($seq, $msg) = header($nl, $type, NLM_F_REQUEST | NLM_F_ACK | $flags, $body);
    $nl->{send}->($msg);
    my $answer = eval {
        while (1) {
            for my $m (nl_messages($nl->{recv}->())) {
                my ($t, $f, $s, $payload) = @{$m};
                # answers to earlier requests (none are left unread) and notifications are not ours
                next if $s != $seq || $t != NLMSG_ERROR;
                return { e => scalar nl_error($f, $payload) };
            }
        }
    };
    return $answer->{e} if $answer;
    my $e = $@;
    $e->{uncertain} = 1 if ref $e eq 'HASH';
    die $e;
}

# One dump: the messages of type $want, and whether the kernel marked the dump interrupted
# (NLM_F_DUMP_INTR: it changed while being dumped; the caller dumps again). An error — in
# an NLMSG_ERROR, or as the errno an NLMSG_DONE carries when the kernel had to stop the dump
# early — fails the dump: a dump cut short is never taken for the whole state.
sub nl_dump {
    my ($nl, $type, $want, $body) = @_;
    my ($seq, $msg) = header($nl, $type, NLM_F_REQUEST | NLM_F_DUMP, $body);
    $nl->{send}->($msg);
    my @got;
    my $intr = 0;
    my $done = 0;
    while (!$done) {
        for my $m (nl_messages($nl->{recv}->())) {
            my ($t, $f, $s, $payload) = @{$m};
            next if $s != $seq;
            $intr = 1 if $f & NLM_F_DUMP_INTR;
            if ($t == NLMSG_DONE) {
                fail('EPROTO', 'truncated done message') if length $payload < 4;
                my $err = unpack 'l', $payload;
                fail(-$err, 'dump stopped early', extack_after($f, $payload, 4)) if $err;
                $done = 1;
                last;
            }
            if ($t == NLMSG_ERROR) {
                my $e = nl_error($f, $payload);
                fail($e->{errno}, 'dump refused', $e->{extack}) if $e;
                next;
            }
            fail('ENOBUFS', 'dump overrun') if $t == NLMSG_OVERRUN;
            push @got, $payload if $t == $want;
        }
    }
    return (\@got, $intr);
}

1;
