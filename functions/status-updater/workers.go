package main

import "sync"

// workers is a fixed set of goroutines that live as long as the process, across invocations.
// Starting a goroutine per message group would be simpler, but a fresh goroutine starts with a
// small stack that the SDK's deep middleware chain grows (copying it several times) on every
// call: measured, that was a third more CPU per message than the call alone. Long-lived workers
// grow their stacks once.
type workers struct {
	once  sync.Once
	tasks chan func()
}

// run runs every task on at most n workers (started on first use) and returns when all are done.
func (w *workers) run(n int, tasks []func()) {
	w.once.Do(func() {
		w.tasks = make(chan func())
		for range max(1, n) {
			go func() {
				for task := range w.tasks {
					task()
				}
			}()
		}
	})
	var wg sync.WaitGroup
	wg.Add(len(tasks))
	for _, task := range tasks {
		w.tasks <- func() {
			defer wg.Done()
			task()
		}
	}
	wg.Wait()
}
