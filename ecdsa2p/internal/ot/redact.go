package ot

import (
	"fmt"
	"log/slog"
)

// The secret-holding states of this package never print: fmt would otherwise print their
// unexported fields (choice bits, scalars, base-OT outputs), and slog would do the same. The
// methods have value receivers so that a dereferenced state redacts too.

func (r BaseOTReceiver) String() string             { return "ot.BaseOTReceiver" + redacted }
func (r BaseOTReceiver) GoString() string           { return r.String() }
func (r BaseOTReceiver) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }
func (r BaseOTReceiver) LogValue() slog.Value       { return slog.StringValue(redacted) }

func (r ReceiverOutputs) String() string             { return "ot.ReceiverOutputs" + redacted }
func (r ReceiverOutputs) GoString() string           { return r.String() }
func (r ReceiverOutputs) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }
func (r ReceiverOutputs) LogValue() slog.Value       { return slog.StringValue(redacted) }

func (s SenderOutputs) String() string             { return "ot.SenderOutputs" + redacted }
func (s SenderOutputs) GoString() string           { return s.String() }
func (s SenderOutputs) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }
func (s SenderOutputs) LogValue() slog.Value       { return slog.StringValue(redacted) }
