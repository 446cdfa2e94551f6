module gort.dev/bench/chanbench

go 1.19
