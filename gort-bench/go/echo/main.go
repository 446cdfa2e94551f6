// Command echo is the Go server of gort-bench's echo benchmark (issue 6, dev.gort.bench.echo):
// Go's net package, one goroutine per connection, each reading into a 32 KiB buffer and writing
// back what it read. It listens on a free port and prints "PORT n" on stdout when it is ready;
// GOMAXPROCS comes from the environment (EchoBench sets it). It runs until it is killed.
//
// A read/write loop rather than io.Copy: on Linux, io.Copy from one *net.TCPConn to another uses
// splice(2) through a pipe, a different path from the plain read and write that the gort and JDK
// servers do. The 32 KiB buffer is io.Copy's own size, and the size the Java servers use.
package main

import (
	"fmt"
	"net"
	"os"
	"time"
)

const bufferSize = 32 * 1024

func main() {
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	for {
		c, err := ln.Accept()
		if err != nil {
			// As net/http's server does: a temporary error (EMFILE) is retried after a pause.
			if ne, ok := err.(net.Error); ok && ne.Temporary() {
				fmt.Fprintln(os.Stderr, "echo: accept:", err)
				time.Sleep(5 * time.Millisecond)
				continue
			}
			fmt.Fprintln(os.Stderr, "echo: accept:", err)
			os.Exit(1)
		}
		go serve(c)
	}
}

// serve echoes every byte until the client closes the connection or it fails.
func serve(c net.Conn) {
	defer c.Close()
	buf := make([]byte, bufferSize)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
