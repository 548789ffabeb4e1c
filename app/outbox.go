package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Message is a mail the server sends to a person: the first token of a
// registration, or the notice that an address already has an account.
type Message struct {
	// To is an address that passed the registration's checks (one line,
	// no control character).
	To      string
	Subject string
	Body    string
}

// Outbox delivers the server's messages. Registration answers every
// address the same way and tells only the address's owner, through the
// outbox, whether an account was made; an operator with a mail system
// implements Outbox over it.
type Outbox interface {
	Send(ctx context.Context, m Message) error
}

// FileOutbox writes each message as a file, readable by its owner only,
// in Dir: what `workbench serve` does, in DATA/outbox, for an operator to
// forward or for a mail system to pick up.
type FileOutbox struct {
	Dir string
}

// Send writes m to a new file named by the time and a random suffix.
func (o FileOutbox) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("server: outbox: %w", err)
	}
	var suffix [4]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return fmt.Errorf("server: outbox: %w", err)
	}
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(suffix[:]) + ".txt"
	f, err := os.OpenFile(filepath.Join(o.Dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("server: outbox: %w", err)
	}
	_, err = io.WriteString(f, m.text())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("server: outbox: %w", err)
	}
	return nil
}

// WriterOutbox writes each message to W, one after the other: what
// `workbench demo` does on its terminal. Safe for concurrent use.
type WriterOutbox struct {
	mu sync.Mutex
	W  io.Writer
}

// Send writes m to W.
func (o *WriterOutbox) Send(_ context.Context, m Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := io.WriteString(o.W, "---- message ----\n"+m.text()+"----\n"); err != nil {
		return fmt.Errorf("server: outbox: %w", err)
	}
	return nil
}

// text is m in the form of a mail: headers, a blank line, the body.
func (m Message) text() string {
	return "To: " + m.To + "\nSubject: " + m.Subject + "\n\n" + m.Body + "\n"
}
