#!/usr/bin/perl
# nsnet's helper: the one program that enters network namespaces for nsnet. Node can
# neither setns(2) nor open a netlink socket, and a process per namespace (nsenter + ip,
# nsenter + sysctl) is what made a thousand namespaces slow; this process enters each
# namespace named on its stdin in turn and does there what nsnet asks, over rtnetlink and
# /proc/sys, without starting anything (but nft).
#
# The protocol (src/exec/helper-protocol.ts writes the requests and reads the records):
#
#   stdin, per namespace, in order:     stdout:
#     ns NAME                             {"helper":1}  once, first (or {"helper":1,"unavailable":WHY})
#     op KIND FIELD…   (ops, numbered     then one record per namespace, when it is done:
#     read state        from 1)           {"ns":NAME,"applied":N[,"failed":{…}][,"state":{…}]
#     read sysctl PATH                     [,"stateError":{…}][,"sysctls":{PATH:VALUE,…}]}
#     end                                 or {"ns":NAME,"gone":true} (no /run/netns/NAME)
#                                         or {"ns":NAME,"applied":0,"enter":{…}} (not entered)
#
# Items run in order; the first op that fails stops its namespace (nothing after it runs, as
# `ip -batch` stops). A failure is {index, errno, strerror[, detail][, extack][, exit,
# output][, uncertain]}: extack is the kernel's extended-ACK message, uncertain says the op
# may have taken effect (no answer in time), exit and output are nft's. Free text (device
# names, values, rulesets) is hex. Nothing on stderr decides anything: nsnet logs it.

use strict;
use warnings;

BEGIN {
    # the modules beside this file, and nothing relative to the working directory
    my ($dir) = __FILE__ =~ m{\A(/.*)/[^/]+\z} or die "nsnet-helper: run it by its absolute path\n";
    unshift @INC, $dir;
}
use Nsnet::Netlink qw(fail nl_open);
use Nsnet::State qw(read_state state_json js obj dump_links link_index);
use Nsnet::Ops qw(apply_op unhex);

our $VERSION = 1;

use constant {
    PROTOCOL     => 1,
    CLONE_NEWNET => 0x40000000,
    TIMEOUT      => 20,    # seconds a netlink answer may take (nsnet kills the helper later)
    DUMP_TRIES   => 5,
};

my $NAME = qr/[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}/;
my $DEV  = qr/(?:[0-9a-f]{2}){1,15}/;
my $HEX  = qr/(?:[0-9a-f]{2})*/;

# each op's fields; a second check (`sane`) ties lengths to families
my %OP = (
    updown => qr/\A($DEV) ([01])\z/,
    alias  => qr/\A($DEV) ($HEX)\z/,
    mtu    => qr/\A($DEV) ([1-9][0-9]{0,9})\z/,
    hwaddr => qr/\A($DEV) ((?:[0-9a-f]{2}){1,32})\z/,
    master => qr/\A($DEV) ($DEV|-)\z/,
    hold   => qr/\A($DEV) ([01])\z/,
    addr   => qr/\A(add|del) ($DEV) ([46]) ($HEX) ([0-9]{1,3})\z/,
    route  => qr/\A(add|del) ([46]) ($HEX|-) ([0-9]{1,3}) ($HEX|-) ($DEV|-) (onlink|-)\z/,
    proxy  => qr/\A(add|del) ($DEV) ([46]) ($HEX)\z/,
    sysctl => qr/\A($HEX) ($HEX)\z/,
    nft    => qr/\A((?:[0-9a-f]{2})+)\z/,
);

sub bytes_of {
    my ($family) = @_;
    return $family == 4 ? 4 : 16;
}

sub sane {
    my ($kind, @f) = @_;
    if ($kind eq 'addr')  { return length($f[3]) == 2 * bytes_of($f[2]) && $f[4] <= 8 * bytes_of($f[2]) }
    if ($kind eq 'proxy') { return length($f[3]) == 2 * bytes_of($f[2]) }
    if ($kind eq 'route') {
        my $n = 2 * bytes_of($f[1]);
        return ($f[2] eq q{-} ? $f[3] == 0 : length $f[2] == $n) && $f[3] <= 4 * $n && ($f[4] eq q{-} || length $f[4] == $n);
    }
    if ($kind eq 'sysctl') { return net_path($f[0]) }
    return 1;
}

# a namespace's sysctl: a path under /proc/sys/net, no step out of it (hex in the request)
sub net_path {
    my ($hex) = @_;
    my $path = unhex($hex);
    return if $path !~ m{\Anet/[^\0]+\z} || grep { $_ eq q{} || $_ eq q{.} || $_ eq q{..} } split m{/}, $path, -1;
    return $path;
}

# One request line: [op => KIND, FIELDS…] | [state] | [sysctl => HEX], or undef if it is
# not one nsnet writes.
sub parse_item {
    my ($line) = @_;
    return ['state'] if $line eq 'read state';
    return ['sysctl', $1] if $line =~ /\Aread sysctl ((?:[0-9a-f]{2})+)\z/ && net_path($1);
    my ($kind, $rest) = $line =~ /\Aop ([a-z]+) (.*)\z/ or return;
    return if !$OP{$kind};
    my @f = $rest =~ $OP{$kind} or return;
    return if !sane($kind, @f);
    return ['op', $kind, @f];
}

sub failure_json {
    my ($e, $index) = @_;
    return obj(
        index     => $index,
        errno     => $e->{errno} // 0,
        strerror  => js($e->{strerror} // 'failed'),
        detail    => (defined $e->{detail} ? js($e->{detail}) : undef),
        extack    => (defined $e->{extack} ? js($e->{extack}) : undef),
        exit      => $e->{exit},
        output    => (defined $e->{output} ? js($e->{output}) : undef),
        uncertain => ($e->{uncertain} ? 'true' : undef),
    );
}

# a failure's record shape, from a thrown failure or a perl error (then the op is uncertain)
sub caught {
    my ($err) = @_;
    return $err if ref $err eq 'HASH';
    chomp $err;
    return { errno => 0, strerror => 'internal error', detail => "nsnet-helper: $err", uncertain => 1 };
}

sub read_sysctl {
    my ($path) = @_;
    open my $fh, '<', "/proc/sys/$path" or return;
    my $v = do { local $/ = undef; <$fh> };
    close $fh or return;
    return if !defined $v;
    $v =~ s/\n\z//;
    return $v;
}

# The state, dumped again while the kernel reports a dump interrupted.
sub fresh_state {
    my ($nl) = @_;
    for (1 .. DUMP_TRIES) {
        my $st = read_state($nl);
        return $st if $st;
    }
    return fail('EAGAIN', 'dump interrupted ' . DUMP_TRIES . ' times');
}

# The items of a namespace already entered: its record's fields after "ns".
sub run_items {
    my ($items) = @_;
    my ($nl, $index);
    my $sock  = sub { return $nl //= nl_open(TIMEOUT) };
    # the devices' ifindexes, from one link dump (not the whole state) when an op first needs them
    my $links = sub {
        return $index //= do {
            my ($raw, $intr) = ([], 1);
            for (1 .. DUMP_TRIES) {
                ($raw, $intr) = dump_links($sock->());
                last if !$intr;
            }
            fail('EAGAIN', 'dump interrupted ' . DUMP_TRIES . ' times') if $intr;
            link_index($raw);
        };
    };
    my ($applied, $n) = (0, 0);
    my (@out, @sysctls);
    for my $item (@{$items}) {
        my ($what, @f) = @{$item};
        if ($what eq 'op') {
            $n++;
            my $e = eval { apply_op($sock, $links, @f) };
            $e = caught($@) if !defined $e && $@;
            if ($e) {
                push @out, failed => failure_json($e, $n);
                last;
            }
            $applied++;
        } elsif ($what eq 'state') {
            my $st = eval { fresh_state($sock->()) };
            push @out, $st ? (state => state_json($st)) : (stateError => failure_json(caught($@), 0));
        } else {
            my $v = read_sysctl(net_path($f[0]));
            push @sysctls, js($f[0]) . q{:} . js($v) if defined $v;
        }
    }
    push @out, sysctls => '{' . join(q{,}, @sysctls) . '}' if @sysctls;
    return (applied => $applied, @out);
}

# Into the namespace mounted at $path: () when in, else (errno, what failed). A named
# namespace is a bind mount of its nsfs file, which stats as a regular file: a FIFO there
# would block the open, a symlink could lead anywhere; neither is entered.
sub enter_ns {
    my ($setns, $path) = @_;
    return ($! + 0, "cannot open $path") if !lstat $path;
    if (!-f _) {
        require Errno;    # loaded only on the way to a failure: every start pays for what it loads
        return (Errno::EINVAL(), "cannot open $path");
    }
    open my $fh, '<', $path or return ($! + 0, "cannot open $path");
    my $in = syscall($setns, fileno $fh, CLONE_NEWNET) == 0;
    my $errno = $! + 0;
    close $fh or 1;
    return $in ? () : ($errno, "cannot enter $path");
}

# One namespace: entered, its items run, left; its record printed.
sub run_block {
    my ($setns, $home, $ns, $lines) = @_;
    my @items;
    for my $i (0 .. $#{$lines}) {
        my $item = parse_item($lines->[$i]);
        if (!$item) {
            my $e = caught('request line ' . ($i + 1) . " is not one nsnet writes\n");
            delete $e->{uncertain};
            print obj(ns => js($ns), applied => 0, enter => failure_json($e, 0)), "\n" or die "stdout: $!\n";
            return;
        }
        push @items, $item;
    }
    my ($errno, $detail) = enter_ns($setns, "/run/netns/$ns");
    if (defined $errno) {
        local $! = $errno;
        my $e = { errno => $errno, strerror => "$!", detail => $detail };
        print $!{ENOENT} ? obj(ns => js($ns), gone => 'true') : obj(ns => js($ns), applied => 0, enter => failure_json($e, 0)), "\n"
            or die "stdout: $!\n";
        return;
    }
    my @record = run_items(\@items);
    # back home before anything else: the next namespace is entered from here
    my $back = syscall($setns, fileno $home, CLONE_NEWNET) == 0;
    print obj(ns => js($ns), @record), "\n" or die "stdout: $!\n";
    die "nsnet-helper: cannot return to its own namespace: $!\n" if !$back;
    return;
}

# setns(2)'s number, as the platform's headers give it (h2ph's .ph files of the perl
# package): Perl has no constant of its own, and a table of numbers is a guess.
sub setns_number {
    for my $try (['asm/unistd.ph', '__NR_setns'], ['syscall.ph', 'SYS_setns']) {
        my ($file, $name) = @{$try};
        my $nr = eval {
            local $SIG{__WARN__} = sub { };
            require $file;
            my $sub = main->can($name);
            $sub ? $sub->() : undef;
        };
        return $nr if defined $nr && $nr =~ /\A[0-9]+\z/ && $nr > 0;
    }
    return;
}

sub main {
    local $| = 1;    # records reach nsnet as they are made; nothing is buffered across nft's fork
    binmode STDIN;
    binmode STDOUT;
    my $setns = setns_number();
    if (!defined $setns) {
        my $why = 'no setns(2) number: neither asm/unistd.ph nor syscall.ph (Debian package perl) is installed';
        print obj(helper => PROTOCOL, unavailable => js($why)), "\n" or die "stdout: $!\n";
        return 0;
    }
    print obj(helper => PROTOCOL), "\n" or die "stdout: $!\n";
    # held open for the whole run: the way back from every namespace
    open my $home, '<', '/proc/self/ns/net' or die "nsnet-helper: own namespace: $!\n";    ## no critic (RequireBriefOpen)
    my ($ns, @lines);
    while (my $line = <STDIN>) {
        chomp $line;
        if ($line =~ /\Ans ($NAME)\z/ && !defined $ns) {
            ($ns, @lines) = ($1);
        } elsif ($line eq 'end' && defined $ns) {
            run_block($setns, $home, $ns, \@lines);
            ($ns, @lines) = ();
        } elsif (defined $ns) {
            push @lines, $line;
        } else {
            print {*STDERR} "nsnet-helper: not a request: $line\n" or 1;
            return 2;
        }
    }
    return 0;
}

exit main() if !caller;
1;
