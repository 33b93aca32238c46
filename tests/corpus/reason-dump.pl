#!/usr/bin/perl
#
# reason-dump.pl - a development aid for the reason classifier: what Perl
# Sisimai (4.x) reads from each message of the labelled bounce corpus,
# joined with the corpus labels.
#
# usage: reason-dump.pl CORPUSDIR > reasons.tsv
#
# For each row of CORPUSDIR/labels.tsv with a reason label, prints one line:
#   file recipient module set label_reason label_hard status replycode
#   action diagnostic kind sisimai_reason smtp_command
# status, replycode, action and diagnostic are what Sisimai found for that
# file and recipient (the label's status and reply code when Sisimai found
# no such recipient).  Tabs and line breaks in the diagnostic are folded to
# spaces.  Sisimai's own pseudo status codes (x.0.9nn) name its answer, not
# what the message said: they become x.0.0.  kind is what the parser is
# expected to decide from the message's structure: "complaint" for an ARF
# report, "autoreply" for an RFC 3834 reply, else "dsn".  The output is derived from the corpus: generate it into the
# build directory, never into the source tree.
use strict;
use warnings;
use File::Temp qw(tempfile);
use Sisimai;

my $dir = shift or die "usage: $0 CORPUSDIR\n";
open(my $lf, '<', "$dir/labels.tsv") or die "$dir/labels.tsv: $!\n";
my $head = <$lf>;
chomp $head;
my @col = split /\t/, $head;
my %ix;
@ix{@col} = (0 .. $#col);
for my $need (qw(file recipient reason hardbounce status replycode source_mta_module set)) {
    die "labels.tsv: no column $need\n" unless exists $ix{$need};
}

sub unpseudo {
    my $s = shift // '';
    $s =~ s/\A([245])\.0\.9\d\d\z/$1.0.0/;
    return $s;
}

my %seen;	# file => { recipient => [status, reply, action, diag, reason] }
sub read_file {
    my $file = shift;
    return $seen{$file} if $seen{$file};
    my $got = {};
    # Sisimai 4 reads LF and CRLF only: give it CR-only messages as LF
    open(my $in, '<:raw', "$dir/eml/$file") or return $seen{$file} = {};
    my $text = do { local $/; <$in> };
    close($in);
    $text =~ s/\r\n?/\n/g;
    my ($tf, $tmp) = tempfile(UNLINK => 1);
    binmode($tf);
    print $tf $text;
    close($tf);
    my $list = eval {
	local $SIG{__WARN__} = sub { };
	Sisimai->make($tmp, delivered => 1, vacation => 1);
    };
    unlink($tmp);
    for my $d (@{ $list || [] }) {
	my $rcpt = lc($d->recipient->address // '');
	my $diag = $d->diagnosticcode // '';
	$diag =~ s/[\t\r\n]+/ /g;
	my $kind = ($d->feedbacktype // '') ne '' ? 'complaint' : 'dsn';
	$got->{$rcpt} //= [ unpseudo($d->deliverystatus), $d->replycode // '',
			   $d->action // '', $diag, $kind, $d->reason // '',
			   $d->smtpcommand // '' ];
	$got->{''} //= $got->{$rcpt};
    }
    return $seen{$file} = $got;
}

while (my $line = <$lf>) {
    chomp $line;
    $line =~ s/\r$//;
    my @f = split /\t/, $line, -1;
    my ($file, $rcpt, $reason) = @f[@ix{qw(file recipient reason)}];
    next if !$reason || $reason eq 'UNLABELLED';
    my $got = read_file($file);
    my $row = $got->{lc $rcpt} // $got->{''}
	// [ unpseudo($f[$ix{status}]), $f[$ix{replycode}], '', '', 'dsn', '', '' ];
    my @out = @$row;
    my $module = $f[$ix{source_mta_module}];
    $out[4] = 'complaint' if $module eq 'ARF';
    $out[4] = 'autoreply' if $module eq 'RFC3834';
    print join("\t", $file, $rcpt, $f[$ix{source_mta_module}], $f[$ix{set}],
	       $reason, $f[$ix{hardbounce}], @out), "\n";
}
