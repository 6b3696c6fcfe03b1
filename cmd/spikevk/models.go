package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spikevk/spikevk/models"
	"go.yaml.in/yaml/v3"
)

// errReported is a failure whose details were already printed.
var errReported = errors.New("")

// errHelp is a -h: the usage was printed, and the exit status is 0.
var errHelp = errors.New("help")

// modelsCmd lists the built-in models, prints one's documentation, or
// checks a model file:
//
//	spikevk models                 list the built-in neuron and synapse models
//	spikevk models show NAME       print a built-in model's documentation
//	spikevk models check FILE      check a model file: errors and warnings
func modelsCmd(args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: spikevk models [show NAME|FILE | check FILE] [-dt MS]\n\nlists the built-in neuron and synapse models, prints a model's documentation, or checks a model file\n\nflags:")
		fs.PrintDefaults()
	}
	dt := fs.Float64("dt", 0.1, "time step in ms, for checks that depend on it")
	rest, err := parseAll(fs, args)
	if err != nil {
		return flagErr(err)
	}
	switch {
	case len(rest) == 0:
		return listModels(out)
	case rest[0] == "show" && len(rest) == 2:
		return showModel(rest[1], *dt, out)
	case rest[0] == "check" && len(rest) == 2:
		return checkModel(rest[1], *dt, out, errOut)
	}
	fs.Usage()
	return errReported
}

// showModel prints the documentation of a built-in model, or of a model
// file when name is a path.
func showModel(name string, dt float64, out io.Writer) error {
	if _, err := os.Stat(name); err == nil || isModelPath(name) {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if isSynapseFile(data) {
			syn, err := models.ParseSynapseFile(name, data)
			if err != nil {
				return err
			}
			return syn.WriteDoc(out)
		}
		f, err := models.ParseFile(name, data)
		if err != nil {
			return err
		}
		m, err := models.Check(f, dt)
		if err != nil {
			return err
		}
		return m.WriteDoc(out)
	}
	if syn, err := models.BuiltinSynapse(name); err == nil {
		return syn.WriteDoc(out)
	}
	f, err := models.Builtin(name)
	if err != nil {
		return err
	}
	m, err := models.Check(f, dt)
	if err != nil {
		return err
	}
	return m.WriteDoc(out)
}

func isModelPath(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.ContainsRune(name, os.PathSeparator)
}

// isSynapseFile reports whether a model file's text is a synapse model's.
func isSynapseFile(data []byte) bool {
	var keys map[string]any
	return yaml.Unmarshal(data, &keys) == nil && (keys["on_pre"] != nil || keys["on_post"] != nil)
}

func listModels(out io.Writer) error {
	files, err := models.Library()
	if err != nil {
		return err
	}
	synapses, err := models.SynapseLibrary()
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "Neuron models (spikevk.Builtin)")
	for _, f := range files {
		fmt.Fprintf(w, "  %s\t%s\n", f.Name, f.Summary)
	}
	fmt.Fprintln(w, "\nSynapse models (spikevk.BuiltinSynapses)")
	for _, f := range synapses {
		fmt.Fprintf(w, "  %s\t%s\n", f.Name, f.Summary)
	}
	return w.Flush()
}

// checkModel prints a model file's errors or warnings; an error in the file
// makes the command fail.
func checkModel(path string, dt float64, out, errOut io.Writer) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if isSynapseFile(data) {
		syn, err := models.ParseSynapseFile(path, data)
		if err != nil {
			fmt.Fprintln(errOut, err)
			return errReported
		}
		fmt.Fprintf(out, "%s: synapse model %s reads well (it compiles against the neurons it connects, when a network uses it)\n", path, syn.Name)
		return nil
	}
	f, err := models.ParseFile(path, data)
	if err == nil {
		var m *models.Model
		if m, err = models.Check(f, dt); err == nil {
			for _, w := range m.Warnings {
				fmt.Fprintln(out, w)
			}
			fmt.Fprintf(out, "%s: %s is valid (%d states, %d parameters, %s, %d warnings)\n",
				path, f.Name, len(m.Neuron.States), len(m.Neuron.Params), m.Neuron.Method, len(m.Warnings))
			return nil
		}
	}
	fmt.Fprintln(errOut, err)
	return errReported
}
