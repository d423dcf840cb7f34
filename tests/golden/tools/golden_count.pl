#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# golden_count.pl - reference counter for the postfix-stats golden tests.
#
# Written independently of src/ from tests/golden/RULES.md (rules 1-7) and SPEC.md
# section 2. It is a slow, explicit, structural re-implementation used only to
# produce and re-check tests/golden/*.expected.
#
# usage: golden_count.pl FILE          (FILE may be .gz; read with zcat)
#        golden_count.pl -v FILE       (also print, on stderr, every line that
#                                       counted: "LINENO<TAB>keys<TAB>line")
# output: the 17 static keys plus non-zero dynamic sent:T keys, "KEY VALUE",
#         sorted in C byte order (same as LC_ALL=C sort).
use strict;
use warnings;

my $verbose = 0;
if (@ARGV && $ARGV[0] eq '-v') { $verbose = 1; shift; }
my $file = shift or die "usage: $0 [-v] FILE\n";
my $fh;
if ($file =~ /\.gz$/) { open($fh, '-|', 'zcat', $file) or die "zcat $file: $!\n"; }
else { open($fh, '<', $file) or die "$file: $!\n"; }
binmode($fh);

my @static = qw(lmtp:4xx lmtp:5xx recv:local recv:smtp sent:_overflow sent:lmtp
    sent:local sent:smtp sent:virtual smtp:4xx smtp:5xx smtpd:4xx smtpd:5xx
    status:bounced status:deferred status:expired status:sent);
my %n = map { $_ => 0 } @static;

my $MON = qr/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/;
my $BSD = qr/$MON (?: ?\d|\d\d) \d\d:\d\d:\d\d(?:\.\d+)?/;   # "Jan  1", "Jan 1", "Jan 01"
my $RFC = qr/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)/;
my $TS  = qr/(?:$RFC|\d{4} $BSD|$BSD)/;

# parse "<...>" starting at pos of '<' in $s; honours "..." quoting (with \ escapes
# inside quotes). Returns the position just after the closing '>' or -1.
sub angle {
    my ($s, $p) = @_;
    return -1 unless substr($s, $p, 1) eq '<';
    my $q = 0;
    for (my $i = $p + 1; $i < length($s); $i++) {
        my $c = substr($s, $i, 1);
        if ($q) {
            if ($c eq '\\') { $i++; next; }
            $q = 0 if $c eq '"';
        } else {
            return $i + 1 if $c eq '>';
            $q = 1 if $c eq '"';
        }
    }
    return -1;
}

# remote reply code at the start of $t: three digits, 4xx/5xx, then space, '-' or end
sub code_class {
    my ($t) = @_;
    return $1 if $t =~ /^([45])\d\d(?:[ -]|$)/;
    return undef;
}

my $lineno = 0;
while (my $line = <$fh>) {
    $lineno++;
    $line =~ s/\n\z//;
    my @hit;
    # header: TIMESTAMP SP HOST SP TAG[PID]: or TAG:
    next unless $line =~ /^$TS (\S+) ([^\s\[\]:]+)(?:\[(\d+)\])?:(.*)\z/s;
    my ($tag, $rest) = ($2, $4);
    next unless $tag =~ m{/};
    my @comp = split m{/}, $tag, -1;
    next unless $comp[0] =~ /^postfix/;
    my $daemon = $comp[-1];
    $rest =~ s/^ +//;
    $rest =~ s/^\[ID \d+ [A-Za-z0-9_.]+\] //;         # Solaris
    next unless $rest =~ /^([A-Za-z0-9]+): (.*)\z/s;
    my ($qid, $m) = ($1, $2);

    if ($m =~ /^to=</) {
        # Rule 1: delivery line
        my $p = angle($m, 3);
        goto DONE if $p < 0;
        my ($relay, $status, $after);
        my $ok = 0;
        while (1) {
            last unless substr($m, $p, 2) eq ', ';
            $p += 2;
            pos($m) = $p;
            last unless $m =~ /\G([a-z_]+)=/gc;
            my $name = $1;
            $p = pos($m);
            if ($name eq 'status') {
                pos($m) = $p;
                last unless $m =~ /\G([A-Za-z-]+)/gc;
                $status = $1;
                $after = substr($m, pos($m));
                $ok = 1;
                last;
            }
            my $v;
            if (substr($m, $p, 1) eq '<') {
                my $e = angle($m, $p);
                last if $e < 0;
                $v = substr($m, $p, $e - $p);
                $p = $e;
            } else {
                my $e = index($m, ', ', $p);
                last if $e < 0;
                $v = substr($m, $p, $e - $p);
                $p = $e;
            }
            if ($name eq 'relay') { $relay = $v unless defined $relay; }
        }
        if ($ok && defined $relay) {
            if ($status eq 'sent') {
                my $t = ($relay =~ /\[/ || $relay eq 'none') ? $daemon : $relay;
                $t = '_overflow' unless $t =~ /^[A-Za-z0-9._-]{1,32}$/;
                push @hit, "status:sent", "sent:$t";
            } elsif ($status eq 'deferred' || $status eq 'bounced') {
                push @hit, "status:$status";
                if (($daemon eq 'smtp' || $daemon eq 'lmtp')
                    && $after =~ /^ \(host \S+ (?:said|refused to talk to me): (.*)\z/s) {
                    my $c = code_class($1);
                    push @hit, "$daemon:${c}xx" if defined $c;
                }
            } elsif ($status eq 'expired' || $status eq 'force-expired') {
                push @hit, "status:expired";
            }
        }
    } elsif ($m =~ /^host \S+ (?:said|refused to talk to me): (.*)\z/s) {
        # Rule 2: own-line remote reply
        if ($daemon eq 'smtp' || $daemon eq 'lmtp') {
            my $c = code_class($1);
            push @hit, "$daemon:${c}xx" if defined $c;
        }
    } elsif ($m =~ /^from=</) {
        # Rule 3: qmgr-style expiry
        my $p = angle($m, 5);
        if ($p >= 0 && substr($m, $p) =~ /^, status=(?:expired|force-expired)(?:[, ]|\z)/) {
            push @hit, "status:expired";
        }
    } elsif ($m =~ /^client=/) {
        push @hit, "recv:smtp" if $daemon eq 'smtpd' && $qid ne 'NOQUEUE';       # Rule 4
    } elsif ($m =~ /^(?:uid|sender)=/) {
        push @hit, "recv:local" if $daemon eq 'pickup';                          # Rule 5
    } elsif ($m =~ /^(?:reject|milter-reject): (\S+) from (\S+:) (.*)\z/s) {
        my ($cmd, $client, $t) = ($1, $2, $3);
        if ($daemon eq 'smtpd' || $daemon eq 'postscreen') {                     # Rule 6
            if ($client =~ /:\z/) {
                my $c = code_class($t);
                push @hit, "smtpd:${c}xx" if defined $c;
            }
        } elsif ($daemon eq 'cleanup' && $m =~ /^milter-reject:/) {              # Rule 7
            (my $src = $client) =~ s/:\z//;
            if ($src ne 'local') {
                if ($t =~ /^([45])\.\d{1,3}\.\d{1,3}(?:[ ;]|\z)/) { push @hit, "smtpd:$1xx"; }
                else { my $c = code_class($t); push @hit, "smtpd:${c}xx" if defined $c; }
            }
        }
    } elsif ($daemon eq 'cleanup' && $m =~ /^reject: (?:header|body) .* from (\S+); from=<.*: ([45])\.\d{1,3}\.\d{1,3}(?: |\z)/s) {
        push @hit, "smtpd:$2xx" if $1 ne 'local';                               # Rule 7 (header/body)
    }
  DONE:
    for my $k (@hit) { $n{$k}++; }
    print STDERR "$lineno\t", join(',', @hit), "\t$line\n" if $verbose && @hit;
}
close($fh);
for my $k (sort keys %n) {
    next if $n{$k} == 0 && !grep { $_ eq $k } @static;
    print "$k $n{$k}\n";
}
