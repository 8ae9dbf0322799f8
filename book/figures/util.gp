# Utilization per trace: `data` holds "trace util" lines from mdriver --json.
set style data histograms
set style fill solid 0.7 border rgb '#333333'
set boxwidth 0.7
set ylabel 'utilization: peak payload / peak heap'
set yrange [0:1.05]
set grid ytics
set xtics rotate by -40 left noenhanced scale 0 font ',11'
set key off
set bmargin 6
plot data using 2:xtic(1) lc rgb '#9ecae1'
