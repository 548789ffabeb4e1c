// Package webtest drives the web pages in a real browser for tests:
// Debian's Chromium through chromedp, headless and offline, with the
// requests of every page recorded, axe-core run inside pages and
// screenshots written at desktop and phone widths.
//
// Without Chromium, or axe-core where a test asks for it, the test is
// skipped saying why; with WORKBENCH_REQUIRE_BROWSER=1 it fails instead
// (CI installs both). Environment:
//
//	WORKBENCH_CHROMIUM        the browser's path (default: chromium, chromium-browser on PATH)
//	WORKBENCH_AXE             the path of axe.min.js (from the npm package axe-core)
//	WORKBENCH_SCREENSHOTS     the folder of screenshots (default: a temporary folder, named in the log)
//	WORKBENCH_REQUIRE_BROWSER 1 makes a missing browser or axe-core a failure
package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Widths of the screenshots.
const (
	DesktopWidth = 1280
	PhoneWidth   = 390
)

// missing skips t, or fails it when the browser is required.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("WORKBENCH_REQUIRE_BROWSER") == "1" {
		t.Fatalf("webtest: %s (WORKBENCH_REQUIRE_BROWSER=1)", msg)
	}
	t.Skipf("webtest: %s", msg)
}

// Chromium returns the browser's path, or skips t.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("WORKBENCH_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			missing(t, "WORKBENCH_CHROMIUM: %v", err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "no Chromium: install Debian's chromium, or set WORKBENCH_CHROMIUM")
	return ""
}

// Axe returns the source of axe.min.js, or skips t.
func Axe(t testing.TB) string {
	t.Helper()
	p := os.Getenv("WORKBENCH_AXE")
	if p == "" {
		missing(t, "no axe-core: set WORKBENCH_AXE to the path of axe.min.js (npm install axe-core)")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		missing(t, "axe-core: %v", err)
	}
	return string(b)
}

// OutDir is the folder of the screenshots: WORKBENCH_SCREENSHOTS, made if
// needed, or a temporary folder that is kept and named in the log.
func OutDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("WORKBENCH_SCREENSHOTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "workbench-screenshots-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("webtest: screenshots in %s", dir)
	return dir
}

// Browser is one headless Chromium with a fresh profile and one tab, whose
// requests it records.
type Browser struct {
	t   testing.TB
	Ctx context.Context
	Out string

	mu       sync.Mutex
	requests []string
}

// New starts Chromium for t, closed at t's cleanup.
func New(t testing.TB) *Browser {
	t.Helper()
	path := Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(DesktopWidth, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return attach(t, ctx, OutDir(t))
}

// Context opens a second browser context in b's Chromium: a tab with
// cookies, storage and cache of its own, like a second person at another
// computer (an administrator beside a researcher). Its screenshots go to
// b's folder; it closes at t's cleanup, before b.
func (b *Browser) Context(t testing.TB) *Browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.Ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return attach(t, ctx, b.Out)
}

// attach starts recording the requests of the tab of ctx.
func attach(t testing.TB, ctx context.Context, out string) *Browser {
	t.Helper()
	b := &Browser{t: t, Ctx: ctx, Out: out}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.requests = append(b.requests, e.Request.URL)
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("webtest: starting the browser: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	})); err != nil {
		t.Fatalf("webtest: network domain: %v", err)
	}
	return b
}

// Requests returns every URL the browser requested so far.
func (b *Browser) Requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

// Do runs actions in the tab, failing the test on an error, with a bound
// of a minute.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("webtest: %v", err)
	}
}

// Eval evaluates a JavaScript expression in the page, decoding its result
// into T.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("webtest: evaluating %.60q: %v", expr, err)
	}
	return v
}

// Screenshots writes full-page screenshots of the page at desktop and
// phone widths, as NAME-desktop.png and NAME-phone.png, then restores the
// desktop width.
func (b *Browser) Screenshots(name string) {
	b.t.Helper()
	for _, w := range []struct {
		suffix string
		width  int64
		opts   []chromedp.EmulateViewportOption
	}{
		{"phone", PhoneWidth, []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}},
		{"desktop", DesktopWidth, nil},
	} {
		ctx, cancel := context.WithTimeout(b.Ctx, time.Minute)
		var png []byte
		err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, 900, w.opts...), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			var err error
			png, err = chromedp.FullScreenshot(100)(ctx, t)
			return err
		}))
		cancel()
		if err != nil {
			b.t.Fatalf("webtest: screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(b.Out, name+"-"+w.suffix+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// Violation is a rule of axe-core that a page breaks.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
}

// RunAxe injects axe-core (its source) into the page and returns its
// violations of impact serious or critical.
func (b *Browser) RunAxe(axe string) []Violation {
	b.t.Helper()
	Eval[chromedp.Void](b, axe)
	raw := Eval[[]byte](b, `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.map(n => n.target.join(" "))})))`)
	var all []Violation
	if err := json.Unmarshal(raw, &all); err != nil {
		b.t.Fatalf("webtest: axe result: %v", err)
	}
	var out []Violation
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			out = append(out, v)
		}
	}
	return out
}

// Follow clicks the link or button sel and waits until a new document has
// replaced the page and finished loading: the old document is marked
// first, so a form posted back to its own URL counts too.
func (b *Browser) Follow(sel string) {
	b.t.Helper()
	Eval[bool](b, `window.webtestOld = true`)
	b.Do(chromedp.Click(chromedp.CSS(sel)))
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Second)
		// Errors are expected while the old document goes away.
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.webtestOld !== true && document.readyState === "complete"`))
		cancel()
		if err == nil && loaded {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("webtest: clicking %s led to no new page", sel)
}

// Phone shows the page at phone width (true) or desktop width (false).
func (b *Browser) Phone(on bool) {
	b.t.Helper()
	if on {
		b.Do(chromedp.EmulateViewport(PhoneWidth, 900, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		return
	}
	b.Do(chromedp.EmulateViewport(DesktopWidth, 900))
}

// PointAndClick moves the mouse onto the middle of the element that the
// JavaScript expression elem gives, then clicks there, as a hand does:
// menus that follow the pointer (JupyterLab's) act only on an item the
// mouse went over.
func (b *Browser) PointAndClick(elem string) {
	b.t.Helper()
	at := Eval[[]float64](b, `(r => [r.x + r.width/2, r.y + r.height/2])((`+elem+`).getBoundingClientRect())`)
	b.Do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, at[0], at[1]), chromedp.MouseClickXY(at[0], at[1]))
}
