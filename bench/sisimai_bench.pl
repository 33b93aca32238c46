#!/usr/bin/perl
#
# sisimai_bench.pl - the baseline for bench/parse-throughput.sh: Perl
# Sisimai (Debian's libsisimai-perl, 4.x) over the same messages.
#
# usage: sisimai_bench.pl [-r ROUNDS] [-s] [DIRECTORY]
#
# Reads every regular file of DIRECTORY (default
# ../shared/corpus/bounces/eml; names starting with "." skipped; sorted
# bytewise, as parse_bench does), one whole message a file, into memory.
# Sisimai 4 reads LF and CRLF line ends only, so CR-only messages are
# turned into LF ones while loading (not timed).  Then it times, per
# message, Sisimai->make(\$text, delivered => 1, vacation => 1): Sisimai
# reads the message from memory (Sisimai::Mail::Memory), decides which of
# its MTA modules applies, and gives one Sisimai::Data per recipient with
# its reason - what parse_bench times on the C side.  delivered and
# vacation make it answer for delivery reports and auto-replies too, as
# the C parser does.  Its warnings are silenced.
#
# Not timed: Perl's start-up, loading Sisimai, reading the files, and one
# whole pass first (Sisimai loads most of its modules on first use).  A
# round is one pass; there are ROUNDS (default 5) and the median, lowest
# and highest rate are reported.  With -s (lockstep, for
# parse-throughput.sh) it prints "ready", then runs one round for each
# line read on standard input, and prints the summary at end of input.
#
# Output: "ready messages=N bytes=B", "round n=I seconds=S passes=1
# rate=R" lines, then "sisimai messages=N bytes=B rounds=K rate=R min=R1
# max=R2 mbps=M rcpts=C failed=F version=V": R the median messages per
# second, C the Sisimai::Data records (recipients) of one pass, F the
# messages on which Sisimai died.  Exit 1 when the directory holds no
# message or Sisimai is not installed.
use strict;
use warnings;
use Getopt::Std;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);

my %opt;
getopts('r:s', \%opt) or die "usage: $0 [-r ROUNDS] [-s] [DIRECTORY]\n";
my $rounds = $opt{r} // 5;
die "sisimai_bench: -r wants 1 to 100 rounds\n" unless $rounds =~ /\A\d+\z/ && $rounds >= 1 && $rounds <= 100;
my $dir = shift // '../shared/corpus/bounces/eml';

eval { require Sisimai; 1 } or die "sisimai_bench: Perl Sisimai is not installed (libsisimai-perl)\n";

opendir(my $dh, $dir) or die "sisimai_bench: $dir: $!\n";
my @names = sort grep { !/\A\./ && -f "$dir/$_" } readdir($dh);
closedir($dh);
my (@msgs, $bytes);
for my $name (@names) {
    open(my $in, '<:raw', "$dir/$name") or die "sisimai_bench: $dir/$name: $!\n";
    my $text = do { local $/; <$in> } // '';
    close($in);
    $bytes += length $text;
    $text =~ s/\r(?!\n)/\n/g;		# CR-only line ends: Sisimai 4 wants LF
    push @msgs, $text;
}
die "sisimai_bench: no message in $dir\n" unless @msgs;

# pass - every message once; the recipients found and the failures
sub pass {
    my ($rcpts, $failed) = (0, 0);
    local $SIG{__WARN__} = sub { };
    for my $i (0 .. $#msgs) {
	my $list = eval { Sisimai->make(\$msgs[$i], delivered => 1, vacation => 1) };
	if ($@) {
	    $failed++;
	    next;
	}
	$rcpts += scalar @$list if $list;
    }
    return ($rcpts, $failed);
}

my ($rcpts, $failed) = pass();			# untimed: modules load on first use
$| = 1;
printf "ready messages=%d bytes=%d\n", scalar @msgs, $bytes;
my @rate;
while ($opt{s} ? defined(my $line = <STDIN>) : @rate < $rounds) {
    my $t0 = clock_gettime(CLOCK_MONOTONIC);
    pass();
    my $secs = clock_gettime(CLOCK_MONOTONIC) - $t0;
    push @rate, @msgs / $secs;
    printf "round n=%d seconds=%.3f passes=1 rate=%.0f\n", scalar @rate, $secs, $rate[-1];
    last if @rate >= 100;
}
die "sisimai_bench: no round run\n" unless @rate;
my @s = sort { $a <=> $b } @rate;
my $med = @s % 2 ? $s[$#s / 2] : ($s[@s / 2 - 1] + $s[@s / 2]) / 2;
printf "sisimai messages=%d bytes=%d rounds=%d rate=%.1f min=%.1f max=%.1f mbps=%.3f "
    . "rcpts=%d failed=%d version=%s\n", scalar @msgs, $bytes, scalar @s, $med, $s[0], $s[-1],
    $med * $bytes / @msgs / 1e6, $rcpts, $failed, Sisimai->version;
