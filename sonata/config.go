package sonata

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// config is a SONATA JSON config with its manifest applied.
type config struct {
	path string
	data map[string]any
	vars map[string]string // manifest variables, ${configdir} included
}

// readConfig reads a circuit or simulation config.
func readConfig(path string) (*config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &config{path: path, data: map[string]any{}}
	if err := json.Unmarshal(raw, &c.data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	c.vars = map[string]string{"${configdir}": dir}
	manifest, _ := c.data["manifest"].(map[string]any)
	for range len(manifest) + 1 { // each pass resolves one level of variables in variables
		for k, v := range manifest {
			if s, ok := v.(string); ok {
				c.vars[k] = c.expand(s)
			}
		}
	}
	return c, nil
}

// expand replaces the manifest's variables in s, longest names first,
// and makes a relative path relative to the config's folder.
func (c *config) expand(s string) string {
	names := make([]string, 0, len(c.vars))
	for k := range c.vars {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	for _, k := range names {
		s = strings.ReplaceAll(s, k, c.vars[k])
	}
	return s
}

// file is the path the config's value s names.
func (c *config) file(s string) string {
	s = c.expand(s)
	if !filepath.IsAbs(s) {
		s = filepath.Join(c.vars["${configdir}"], s)
	}
	return s
}

// section returns the object key of the config.
func (c *config) section(key string) map[string]any {
	m, _ := c.data[key].(map[string]any)
	return m
}

// files lists the pairs (key1, key2) of the network entries kind
// ("nodes" or "edges").
func (c *config) files(kind, key1, key2 string) ([][2]string, error) {
	list, _ := c.section("networks")[kind].([]any)
	var out [][2]string
	for k, e := range list {
		m, _ := e.(map[string]any)
		a, _ := m[key1].(string)
		b, _ := m[key2].(string)
		if a == "" || b == "" {
			return nil, fmt.Errorf("%s: networks.%s[%d] needs %s and %s", c.path, kind, k, key1, key2)
		}
		out = append(out, [2]string{c.file(a), c.file(b)})
	}
	return out, nil
}

// readTypes reads a node or edge types CSV: columns separated by spaces,
// as the SONATA guide says, one row per type, keyed by the id column.
func readTypes(path, id string) (map[int64]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ' '
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var header []string
	types := map[int64]map[string]string{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rec = slices.DeleteFunc(rec, func(s string) bool { return s == "" }) // runs of spaces, as NEST reads them
		if len(rec) == 0 {
			continue
		}
		if header == nil {
			header = rec
			if !slices.Contains(header, id) {
				return nil, fmt.Errorf("%s: no column %s", path, id)
			}
			continue
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s:%d: %d columns, the header has %d", path, line, len(rec), len(header))
		}
		row := map[string]string{}
		for k, h := range header {
			row[h] = rec[k]
		}
		var key int64
		if _, err := fmt.Sscan(row[id], &key); err != nil {
			return nil, fmt.Errorf("%s:%d: %s %q is not a number", path, line, id, row[id])
		}
		types[key] = row
	}
	return types, nil
}

// readParams reads a dynamics-params JSON of numbers (float64) and lists
// of numbers ([]float64).
func readParams(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]any{}
	for k, v := range m {
		switch x := v.(type) {
		case float64:
			out[k] = x
		case []any:
			list := make([]float64, len(x))
			for e, el := range x {
				f, ok := el.(float64)
				if !ok {
					return nil, fmt.Errorf("%s: %s: element %d is %v, not a number", path, k, e, el)
				}
				list[e] = f
			}
			out[k] = list
		default:
			return nil, fmt.Errorf("%s: %s is %v, not a number or a list of numbers", path, k, v)
		}
	}
	return out, nil
}
