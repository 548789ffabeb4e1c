package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressBar draws "stage [#####.....] 12/40 3.2s" on one terminal line.
// It draws nothing when w is not a terminal, so logs and pipes stay clean.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
	stage string
}

func newProgress(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	on := false
	if ok {
		if st, err := f.Stat(); err == nil {
			on = st.Mode()&os.ModeCharDevice != 0
		}
	}
	return &progressBar{w: w, on: on, start: time.Now()}
}

// update is the callback given to the library's Progress options.
func (p *progressBar) update(stage string, done, total int) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if stage == p.stage && done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.stage = now, stage
	const width = 30
	filled := 0
	if total > 0 {
		filled = min(width, done*width/total)
	}
	fmt.Fprintf(p.w, "\r\033[K%-28s [%s%s] %d/%d %.1fs", stage, strings.Repeat("#", filled),
		strings.Repeat(".", width-filled), done, total, now.Sub(p.start).Seconds())
}

// done ends the bar's line.
func (p *progressBar) done() {
	if p.on && p.stage != "" {
		fmt.Fprintln(p.w)
	}
}
