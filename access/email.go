package access

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// EmailError is why NormalizeEmail refused an address. It matches
// ErrInvalid.
type EmailError struct {
	// Reason says what is wrong, for a person to read.
	Reason string
}

func (e *EmailError) Error() string { return "access: email: " + e.Reason }

// Is makes an *EmailError match ErrInvalid.
func (e *EmailError) Is(target error) bool { return target == ErrInvalid }

// NormalizeEmail is the one spelling of an address under which an account
// is registered, so that addresses that look the same are the same
// account or are refused:
//
//   - surrounding spaces are trimmed;
//   - the address is put in Unicode NFKC form (a fullwidth "ｒ" is "r", a
//     composed "é" equals "e" with a combining accent);
//   - the domain, case-insensitive by DNS, is lower-cased;
//   - invisible characters (zero-width spaces and joiners, soft hyphens,
//     bidirectional controls, variation selectors, other controls and
//     spaces inside) are refused: they make two addresses that print alike;
//   - letters of more than one script are refused (a Cyrillic "а" among
//     Latin letters), except Latin with the scripts written together in
//     Chinese, Japanese and Korean (the "highly restrictive" level of
//     Unicode UTS #39).
//
// Whether the result is a well-formed address is the caller's check.
func NormalizeEmail(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	for _, r := range addr {
		if invisible(r) {
			return "", &EmailError{Reason: fmt.Sprintf("holds the invisible character %U", r)}
		}
	}
	addr = norm.NFKC.String(addr)
	// NFKC may turn a visible compatibility character into an invisible
	// one (a no-break space into a space).
	for _, r := range addr {
		if invisible(r) {
			return "", &EmailError{Reason: fmt.Sprintf("holds a character whose normal form is the invisible %U", r)}
		}
	}
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		addr = addr[:at] + strings.ToLower(addr[at:])
	}
	if err := oneScript(addr); err != nil {
		return "", err
	}
	return addr, nil
}

// invisible reports a character that prints as nothing or as a space.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Z,
		unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) ||
		r == unicode.ReplacementChar
}

// scriptMixes are the sets of scripts an address may mix.
var scriptMixes = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// oneScript refuses an address whose letters come from scripts that no
// set of scriptMixes holds together.
func oneScript(addr string) error {
	var scripts []string
	for _, r := range addr {
		if s := scriptOf(r); s != "" && !slices.Contains(scripts, s) {
			scripts = append(scripts, s)
		}
	}
	if len(scripts) <= 1 {
		return nil
	}
	for _, mix := range scriptMixes {
		if !slices.ContainsFunc(scripts, func(s string) bool { return !slices.Contains(mix, s) }) {
			return nil
		}
	}
	slices.Sort(scripts)
	return &EmailError{Reason: "mixes letters of the scripts " + strings.Join(scripts, ", ") + ": write it in one script"}
}

// scriptNames are the scripts of unicode.Scripts but Common and
// Inherited (digits, punctuation, combining marks), which every script
// uses, in a fixed order.
var scriptNames = func() []string {
	var names []string
	for name := range unicode.Scripts {
		if name != "Common" && name != "Inherited" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}()

// scriptOf is the script of r, "" for a character of every script.
func scriptOf(r rune) string {
	if r < 0x80 {
		if unicode.IsLetter(r) {
			return "Latin"
		}
		return ""
	}
	for _, name := range scriptNames {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	return ""
}
