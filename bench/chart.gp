# Draws the benchmark chart from the data files bench/report.py writes.
#   gnuplot -e "dir='DATA_DIR'; out='chart.png'; reps=5" bench/chart.gp
set terminal pngcairo size 1400,1000 font "sans,11" noenhanced
set output out
load dir.'/chart.labels'

if (!exists("reps")) reps = 5
set multiplot layout 2,1 title sprintf("Athanor, median of %d runs per operation (scripts/bench)", reps) \
    font "sans,14"
set style fill solid 0.85 border -1
set grid ytics
set xrange [-0.6:8.6]
set key top right horizontal

set title "Athanor / hand-written client-library code (rows or calls per second; 1.0 = parity; black bars = issue 8 targets)"
set yrange [0:1.4]
set ytics 0.1
plot for [j=0:nbackends-1] dir.'/ratio.dat' index j using 1:2:($4*2) with boxes \
         title value(sprintf("backend%d", j)), \
     for [j=0:nbackends-1] dir.'/ratio.dat' index j using 1:3:4 with xerrorbars \
         pt 0 lw 3 lc rgb "black" notitle, \
     1 with lines dt 2 lc rgb "gray40" notitle

set title "Athanor / SQLAlchemy ORM (speed-up, log scale; dashed: the 20x target)"
set logscale y
set yrange [0.5:1000]
set ytics auto
plot for [j=0:nbackends-1] dir.'/speedup.dat' index j using 1:2:(0.8/nbackends) with boxes \
         title value(sprintf("backend%d", j)), \
     20 with lines dt 2 lw 2 lc rgb "black" notitle
unset multiplot
