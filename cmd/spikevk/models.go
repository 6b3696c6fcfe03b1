package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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
	dt := fs.Float64("dt", 0.1, "time step in ms, for checks that depend on it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	switch {
	case len(rest) == 0:
		return listModels(out)
	case rest[0] == "show" && len(rest) == 2:
		if syn, err := models.BuiltinSynapse(rest[1]); err == nil {
			return syn.WriteDoc(out)
		}
		f, err := models.Builtin(rest[1])
		if err != nil {
			return err
		}
		m, err := models.Check(f, *dt)
		if err != nil {
			return err
		}
		return m.WriteDoc(out)
	case rest[0] == "check" && len(rest) == 2:
		return checkModel(rest[1], *dt, out, errOut)
	}
	return fmt.Errorf("usage: spikevk models [-dt MS] [show NAME | check FILE]")
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
	var keys map[string]any
	if yaml.Unmarshal(data, &keys) == nil && (keys["on_pre"] != nil || keys["on_post"] != nil) {
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
