# Faults against frames, one line per policy, log scale: `data` holds the
# CSV of vmsim --sweep (frames,policy,faults).
set datafile separator ','
set xlabel 'frames'
set ylabel 'page faults (log scale)'
set logscale y
set grid
set key top right
plot '< grep ,fifo, '.data using 1:3 with lines lw 2 lc rgb '#9400d3' title 'FIFO', \
     '< grep ,random, '.data using 1:3 with lines lw 2 dt 3 lc rgb '#009e73' title 'random', \
     '< grep ,clock, '.data using 1:3 with lines lw 2 dt 2 lc rgb '#56b4e9' title 'CLOCK', \
     '< grep ,lru, '.data using 1:3 with lines lw 2 lc rgb '#e69f00' title 'LRU', \
     '< grep ,opt, '.data using 1:3 with lines lw 2 lc rgb '#000000' title 'OPT'
