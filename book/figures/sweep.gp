# Faults against a few frame counts, one line per policy: `data` holds the
# CSV of vmsim --sweep (frames,policy,faults).
set datafile separator ','
set xlabel 'frames'
set ylabel 'page faults'
set offsets 0.2, 0.2, 1, 0
set yrange [0:*]
set xtics 1
set grid
set key top right
plot '< grep ,fifo, '.data using 1:3 with linespoints lw 2 pt 7 lc rgb '#9400d3' title 'FIFO', \
     '< grep ,clock, '.data using 1:3 with linespoints lw 2 pt 5 dt 2 lc rgb '#56b4e9' title 'CLOCK', \
     '< grep ,random, '.data using 1:3 with linespoints lw 2 pt 4 dt 3 lc rgb '#009e73' title 'random', \
     '< grep ,lru, '.data using 1:3 with linespoints lw 2 pt 9 lc rgb '#e69f00' title 'LRU', \
     '< grep ,opt, '.data using 1:3 with linespoints lw 2 pt 11 lc rgb '#000000' title 'OPT'
