# Nanoseconds per access against pages touched: `data` holds experiments/tlb's
# output for 4 KiB pages, then (index 1) for huge pages. Columns: pages,
# span, "KiB", spread ns, packed ns.
set xlabel 'pages touched (log scale)'
set ylabel 'ns per access (log scale)'
set logscale xy 2
set format x '%.0f'
set format y '%.0f'
set grid
set key top left
plot data index 0 using 1:4 with linespoints lw 2 pt 7 lc rgb '#c04000' title 'spread, 4 KiB pages', \
     data index 0 using 1:5 with linespoints lw 2 pt 5 lc rgb '#4a7ab0' title 'packed, 4 KiB pages', \
     data index 1 using 1:4 with linespoints lw 2 pt 6 dt 2 lc rgb '#c04000' title 'spread, 2 MiB pages', \
     data index 1 using 1:5 with linespoints lw 2 pt 4 dt 2 lc rgb '#4a7ab0' title 'packed, 2 MiB pages'
