# The passes of experiments/majflt: `data` holds one line per pass, its
# quoted name, then cached, major, minor, ms, +RSS KiB.
set style data histograms
set style fill solid 0.7 border rgb '#333333'
set boxwidth 0.7
set ylabel 'milliseconds for 16384 pages (log scale)'
set logscale y
set yrange [0.1:*]
set grid ytics
set xtics noenhanced scale 0 font ',11'
set key off
set offsets 0, 0, 0, 0
plot data using 5:xtic(1) lc rgb '#9ecae1', \
     '' using ($0):($5*1.6):(sprintf('%d major\n%d minor', $3, $4)) with labels font ',10'
