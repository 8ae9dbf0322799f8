# Operations per second per trace, the lab's allocator against glibc's:
# `data` holds "trace mm libc" lines from mdriver --json --libc.
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.7 border rgb '#333333'
set ylabel 'million operations per second (log scale)'
set logscale y
set grid ytics
set xtics rotate by -40 left noenhanced scale 0 font ',11'
set key top right
set bmargin 6
plot data using ($2/1e6):xtic(1) lc rgb '#9ecae1' title 'mm.c (the lab)', \
     '' using ($3/1e6) lc rgb '#fdae6b' title 'glibc malloc'
