module gort.dev/bench/echo

go 1.19
