// Command chanbench runs the issue 4 channel programs of gort-bench's ChannelBench and
// SleepOversleep in Go, so that gort's figures can be set beside Go's own runtime.
//
// The shapes match the Java benchmarks exactly: each iteration repeats one batch (10,000 ping-pong
// round trips, 100,000 buffered messages, 40,000 selects) for about one second, and reports the
// time per operation; 3 warm-up and 5 measured iterations, printed as median [min-max], as JMH
// prints them for the Java side. GOMAXPROCS comes from the environment (./gort bench --go runs
// it with 1 and 2).
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

const (
	roundTrips = 10000
	messages   = 100000
	capacity   = 16
	producers  = 4
	selects    = 40000
	warmup     = 3
	measured   = 5
)

// pingPong: two unbuffered channels; the partner answers every ping.
func pingPong() int {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for i := 0; i < roundTrips; i++ {
			pong <- <-ping
		}
	}()
	for i := 0; i < roundTrips; i++ {
		ping <- 1
		if <-pong != 1 {
			panic("ball lost")
		}
	}
	return roundTrips
}

// buffered: one producer, one consumer, capacity 16.
func buffered() int {
	ch := make(chan int, capacity)
	go func() {
		for i := 0; i < messages; i++ {
			ch <- i & 127
		}
	}()
	sum, want := 0, 0
	for i := 0; i < messages; i++ {
		sum += <-ch
		want += i & 127
	}
	if sum != want {
		panic("messages lost")
	}
	return messages
}

// selectOver4: four producers, each on its own channel; the consumer selects over all four.
func selectOver4(cap int) func() int {
	return func() int {
		var cs [producers]chan int
		for p := range cs {
			cs[p] = make(chan int, cap)
			c := cs[p]
			go func() {
				for i := 0; i < selects/producers; i++ {
					c <- 1
				}
			}()
		}
		got := 0
		for i := 0; i < selects; i++ {
			select {
			case v := <-cs[0]:
				got += v
			case v := <-cs[1]:
				got += v
			case v := <-cs[2]:
				got += v
			case v := <-cs[3]:
				got += v
			}
		}
		if got != selects {
			panic("messages lost")
		}
		return selects
	}
}

// iteration repeats batch for about one second; returns ns per operation.
func iteration(batch func() int) float64 {
	start := time.Now()
	ops := 0
	for time.Since(start) < time.Second {
		ops += batch()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(ops)
}

func run(name string, batch func() int) {
	for i := 0; i < warmup; i++ {
		iteration(batch)
	}
	xs := make([]float64, measured)
	for i := range xs {
		xs[i] = iteration(batch)
	}
	sort.Float64s(xs)
	fmt.Printf("%-40s %10.1f [%.1f-%.1f] ns/op\n", name, xs[len(xs)/2], xs[0], xs[len(xs)-1])
}

// sleepOversleep: like SleepOversleep.java: 1 and 16 sleepers, 3000 samples each, time.Sleep(1ms)
// timed inside the sleeping goroutine; a discarded warm-up round first.
func sleepOversleep() {
	fmt.Printf("%-34s %8s %6s %9s %9s %9s %9s %9s %9s\n",
		"sleeper (µs per 1 ms sleep)", "threads", "n", "p50", "p90", "p99", "p99.9", "max", "mean")
	for _, threads := range []int{1, 16} {
		per := 3000 / 5 / threads
		if per < 1 {
			per = 1
		}
		sleepRound(threads, per) // warm-up
		var all []time.Duration
		for r := 0; r < 5; r++ {
			all = append(all, sleepRound(threads, per)...)
		}
		sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
		var sum time.Duration
		for _, d := range all {
			sum += d
		}
		us := func(q float64) float64 {
			rank := int(q*float64(len(all)) + 0.999999)
			if rank < 1 {
				rank = 1
			}
			if rank > len(all) {
				rank = len(all)
			}
			return float64(all[rank-1].Nanoseconds()) / 1e3
		}
		fmt.Printf("%-34s %8d %6d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", "go time.Sleep(1 ms)", threads, len(all),
			us(0.50), us(0.90), us(0.99), us(0.999), float64(all[len(all)-1].Nanoseconds())/1e3,
			float64(sum.Nanoseconds())/float64(len(all))/1e3)
	}
}

func sleepRound(threads, n int) []time.Duration {
	out := make([][]time.Duration, threads)
	var wg sync.WaitGroup
	wg.Add(threads)
	for t := 0; t < threads; t++ {
		t := t
		go func() {
			defer wg.Done()
			d := make([]time.Duration, n)
			for i := range d {
				t0 := time.Now()
				time.Sleep(time.Millisecond)
				d[i] = time.Since(t0)
			}
			out[t] = d
		}()
	}
	wg.Wait()
	var all []time.Duration
	for _, d := range out {
		all = append(all, d...)
	}
	return all
}

func main() {
	fmt.Printf("%s, GOMAXPROCS %d, %d CPUs\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU())
	what := "all"
	if len(os.Args) > 1 {
		what = os.Args[1]
	}
	if what == "all" || what == "chan" {
		run("pingPong (ns per round trip)", pingPong)
		run("buffered(16) (ns per message)", buffered)
		run("select over 4 unbuffered (ns per select)", selectOver4(0))
		run("select over 4 buffered(16) (ns per select)", selectOver4(capacity))
	}
	if what == "all" || what == "sleep" {
		sleepOversleep()
	}
}
