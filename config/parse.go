// This file implements reading a configuration: YAML into yaml.Node (so
// every value keeps its line and column), then a walk that checks each key
// against the tables in keys.go and collects every problem in one list.
//
// Two layouts are accepted. A whole hls4ml project YAML has an HLSConfig
// key holding Model, LayerType and LayerName, beside project keys (Part,
// IOType, ...). A bare HLSConfig has Model, LayerType and LayerName at the
// top; nnhls also accepts project keys there, so a short file can say
// "IOType: io_stream" without the project wrapper.

package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// Load reads and parses the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a configuration named name (used in positions). It reports
// every error it finds at once, as an ir.ErrorList sorted by position (or a
// single *ir.Error); each has a Code (CodeOf). Warnings do not fail the parse;
// they are in Config.Warnings. An empty document is the Default
// configuration.
func Parse(name string, data []byte) (*Config, error) {
	c, errs := parse(name, data)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// parse does the work of Parse and returns the configuration even when
// there are errors, for tests that check errors and warnings together.
func parse(name string, data []byte) (*Config, ir.ErrorList) {
	c := Default()
	c.file = name
	p := &parser{file: name, cfg: c}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.add(yamlErrorPos(name, err), CodeSyntax, "%s", yamlErrorMsg(err))
		return c, p.errs
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		p.top(resolve(doc.Content[0]))
	}
	p.errs.Sort()
	p.warns.Sort()
	c.warnings = p.warns
	return c, p.errs
}

// parser holds the state of one Parse.
type parser struct {
	file  string
	cfg   *Config
	errs  ir.ErrorList
	warns ir.ErrorList
}

// add records a problem; warnings go to their own list.
func (p *parser) add(pos ir.Pos, code Code, format string, args ...any) {
	err := &problem{code: code, msg: fmt.Sprintf(format, args...)}
	if code.Warning() {
		p.warns.Add(pos, err)
	} else {
		p.errs.Add(pos, err)
	}
}

// pos is the position of a node.
func (p *parser) pos(n *yaml.Node) ir.Pos {
	return ir.Pos{File: p.file, Line: n.Line, Col: n.Column}
}

// resolve follows aliases to the anchored node. yaml.v3 only lets an alias
// name an anchor defined before it, but the bound keeps a hostile file from
// looping.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; i < 8 && n != nil && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether a node is YAML null ("~", "null" or nothing).
func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// kindName names a node's shape for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// pair is one key and its value in a mapping.
type pair struct {
	key, val *yaml.Node
}

// pairs returns the entries of a mapping node, reporting (once per mapping)
// keys that are not plain scalars and keys that repeat up to fold (which
// folds a key for comparison). what names the mapping in messages. It
// returns nil, after reporting, for a node that is not a mapping; null is
// an empty mapping.
func (p *parser) pairs(n *yaml.Node, what string, fold func(string) string) []pair {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.add(p.pos(n), CodeShape, "%s: expected a mapping, got %s", what, kindName(n))
		return nil
	}
	var out []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.add(p.pos(n.Content[i]), CodeShape, "%s: expected a name as key, got %s", what, kindName(n.Content[i]))
			continue
		}
		f := fold(k.Value)
		if first, ok := seen[f]; ok {
			p.add(p.pos(k), CodeDuplicateKey, "%s: duplicate key %q (first at line %d)", what, k.Value, first.Line)
			continue
		}
		seen[f] = k
		out = append(out, pair{k, v})
	}
	return out
}

// top walks the document's root mapping.
func (p *parser) top(root *yaml.Node) {
	projectDefs, hlsDefs := keysAt(atProject), keysAt(atHLS)
	ps := p.pairs(root, "top of the file", normKey)
	wrapped := false
	for _, kv := range ps {
		if d := lookupKey(projectDefs, kv.key.Value); d != nil && d.name == "HLSConfig" {
			wrapped = true
		}
	}
	for _, kv := range ps {
		if d := lookupKey(projectDefs, kv.key.Value); d != nil {
			if d.name == "HLSConfig" {
				p.hls(kv.val)
			} else {
				p.projectKey(d, kv)
			}
			continue
		}
		if d := lookupKey(hlsDefs, kv.key.Value); d != nil {
			if wrapped {
				p.add(p.pos(kv.key), CodeMisplacedKey,
					"%q belongs under HLSConfig: hls4ml ignores it at the top of a project file", kv.key.Value)
				continue
			}
			p.hlsKey(d, kv)
			continue
		}
		defs := projectDefs
		if !wrapped {
			defs = append(defs, hlsDefs...)
		}
		p.unknownKey(kv.key, defs, "at the top of the file")
	}
}

// projectKey stores one project-level setting.
func (p *parser) projectKey(d *keyDef, kv pair) {
	if v, ok := p.scalar(d, kv.val, d.name); ok {
		p.cfg.project[d.name] = v
	}
}

// hls walks the HLSConfig mapping.
func (p *parser) hls(n *yaml.Node) {
	projectDefs, hlsDefs := keysAt(atProject), keysAt(atHLS)
	for _, kv := range p.pairs(n, "HLSConfig", normKey) {
		if d := lookupKey(hlsDefs, kv.key.Value); d != nil {
			p.hlsKey(d, kv)
			continue
		}
		if d := lookupKey(projectDefs, kv.key.Value); d != nil {
			p.add(p.pos(kv.key), CodeMisplacedKey,
				"%q belongs at the top of the project file, not under HLSConfig", kv.key.Value)
			continue
		}
		p.unknownKey(kv.key, hlsDefs, "under HLSConfig")
	}
}

// hlsKey handles one key of HLSConfig (or of a bare HLSConfig file).
func (p *parser) hlsKey(d *keyDef, kv pair) {
	c := p.cfg
	switch d.name {
	case "Model":
		c.model.pos = p.pos(kv.key)
		p.settings(c.model, kv.val, atModel, "Model")
	case "LayerType":
		c.typeOrder = p.layers(kv.val, LevelType, c.types)
	case "LayerName":
		c.nameOrder = p.layers(kv.val, LevelName, c.names)
	}
	// Flows, Optimizers and SkipOptimizers are hls4ml's pass lists; nnhls
	// has its own pipeline and keeps them only as accepted keys.
}

// layers walks a LayerType or LayerName mapping into m, keyed by the lower-
// cased name (hls4ml matches both case-insensitively), and returns the
// blocks in file order.
func (p *parser) layers(n *yaml.Node, level Level, m map[string]*block) []*block {
	var order []*block
	for _, kv := range p.pairs(n, level.String(), strings.ToLower) {
		b := newBlock(level, kv.key.Value, p.pos(kv.key))
		p.settings(b, kv.val, atLayer, fmt.Sprintf("%s %q", level, kv.key.Value))
		m[strings.ToLower(kv.key.Value)] = b
		order = append(order, b)
	}
	return order
}

// settings walks the mapping of one Model, LayerType or LayerName entry.
func (p *parser) settings(b *block, n *yaml.Node, at where, what string) {
	defs := keysAt(at)
	for _, kv := range p.pairs(n, what, normKey) {
		d := lookupKey(defs, kv.key.Value)
		if d == nil {
			p.unknownKey(kv.key, defs, "in "+what)
			continue
		}
		if d.where&at == 0 {
			hint := "set it under LayerType or LayerName"
			if at == atLayer {
				hint = "it is a Model setting"
			}
			p.add(p.pos(kv.key), CodeIgnoredKey, "%s: hls4ml does not read %q here (ignored; %s)", what, kv.key.Value, hint)
			continue
		}
		switch d.kind {
		case kindPrecision:
			p.precision(b, kv.val, at, what)
		case kindAny, kindSection:
		default:
			if v, ok := p.scalar(d, kv.val, what+" "+d.name); ok {
				b.vals[d.name] = v
			}
		}
	}
}

// precision reads a Precision value: one type for every variable (stored
// as "default") or a mapping from variable to type.
func (p *parser) precision(b *block, n *yaml.Node, at where, what string) {
	what += " Precision"
	if isNull(n) {
		return // hls4ml reads a null Precision as absent
	}
	if n.Kind == yaml.ScalarNode {
		if e, ok := p.precValue(n, at, what); ok {
			b.prec["default"] = e
		}
		return
	}
	for _, kv := range p.pairs(n, what, func(s string) string { return s }) {
		v := kv.key.Value
		if !p.knownVar(kv.key, what) {
			continue
		}
		if isNull(kv.val) {
			continue
		}
		if e, ok := p.precValue(kv.val, at, what+"."+v); ok {
			b.prec[v] = e
		}
	}
}

// knownVar checks a Precision variable name. Names hls4ml layers declare are
// fine; a name close to one is an error (it would silently do nothing); any
// other name is kept with a warning, since backends and custom layers add
// their own variables. It reports false when the entry is to be dropped.
func (p *parser) knownVar(k *yaml.Node, what string) bool {
	for _, v := range knownVars {
		if k.Value == v {
			return true
		}
	}
	if s, ok := suggest(strings.ToLower(k.Value), knownVars); ok {
		p.add(p.pos(k), CodeMisspeltKey, "%s: unknown variable %q; did you mean %q?", what, k.Value, s)
		return false
	}
	p.add(p.pos(k), CodeUnknownKey, "%s: unknown variable %q (kept)", what, k.Value)
	return true
}

// precValue reads one precision: "auto" or a type fixed.Parse accepts.
func (p *parser) precValue(n *yaml.Node, at where, what string) (precEntry, bool) {
	if n.Kind != yaml.ScalarNode {
		p.add(p.pos(n), CodeShape, "%s: expected a type such as fixed<16,6>, got %s", what, kindName(n))
		return precEntry{}, false
	}
	s := strings.TrimSpace(n.Value)
	if strings.EqualFold(s, "auto") {
		if at == atModel {
			p.add(p.pos(n), CodeModelAuto, "%s: \"auto\" is only allowed in LayerType and LayerName (the Model precision must be a type)", what)
			return precEntry{}, false
		}
		return precEntry{auto: true, pos: p.pos(n)}, true
	}
	t, err := fixed.Parse(s)
	if err != nil {
		pos := p.pos(n)
		msg := err.Error()
		var pe *fixed.ParseError
		if errors.As(err, &pe) {
			msg = pe.Msg
			if n.Style == 0 && pe.Col > 0 && s == n.Value {
				pos.Col += pe.Col - 1 // point at the bad token in a plain scalar
			}
		}
		p.add(pos, CodeBadPrecision, "%s: bad precision %q: %s", what, n.Value, msg)
		return precEntry{}, false
	}
	return precEntry{typ: t, pos: p.pos(n)}, true
}

// scalar reads the value of a scalar key. A null value is absent, as in
// hls4ml (which reads it as None), except for kindBoolOrNull.
func (p *parser) scalar(d *keyDef, n *yaml.Node, what string) (value, bool) {
	v := value{pos: p.pos(n)}
	if d.kind == kindAny || d.kind == kindSection {
		return v, false
	}
	if isNull(n) {
		v.null = true
		return v, d.kind == kindBoolOrNull
	}
	if n.Kind != yaml.ScalarNode {
		p.add(p.pos(n), CodeShape, "%s: expected a single value, got %s", what, kindName(n))
		return v, false
	}
	v.s = n.Value
	switch d.kind {
	case kindInt:
		i, err := strconv.Atoi(strings.TrimSpace(n.Value))
		if err != nil {
			p.add(v.pos, CodeBadValue, "%s: expected an integer, got %q", what, n.Value)
			return v, false
		}
		if i < d.min {
			p.add(v.pos, CodeBadValue, "%s: must be at least %d, got %d", what, d.min, i)
			return v, false
		}
		v.i = i
	case kindFloat:
		var f float64
		if err := n.Decode(&f); err != nil {
			var perr error
			if f, perr = strconv.ParseFloat(strings.TrimSpace(n.Value), 64); perr != nil {
				p.add(v.pos, CodeBadValue, "%s: expected a number, got %q", what, n.Value)
				return v, false
			}
		}
		if math.IsNaN(f) || f <= 0 {
			p.add(v.pos, CodeBadValue, "%s: must be a positive number, got %q", what, n.Value)
			return v, false
		}
		v.f = f
	case kindBool, kindBoolOrNull:
		if err := n.Decode(&v.b); err != nil {
			p.add(v.pos, CodeBadValue, "%s: expected true or false, got %q", what, n.Value)
			return v, false
		}
	case kindChoice:
		in := normKey(strings.TrimSpace(n.Value))
		for _, ch := range d.choices {
			if ch.in == in {
				v.s = ch.canon
				return v, true
			}
		}
		var names []string
		for _, ch := range d.choices {
			names = append(names, ch.canon)
		}
		names = uniq(names)
		if s, ok := suggest(in, names); ok {
			p.add(v.pos, CodeBadValue, "%s: unknown value %q; did you mean %q?", what, n.Value, s)
		} else {
			p.add(v.pos, CodeBadValue, "%s: unknown value %q (one of %s)", what, n.Value, strings.Join(names, ", "))
		}
		return v, false
	}
	return v, true
}

// unknownKey reports a key found in no table: an error when it is close to
// a known key (a misspelt key would silently do nothing), else a warning.
func (p *parser) unknownKey(k *yaml.Node, defs []*keyDef, where string) {
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = d.name
	}
	if s, ok := suggest(normKey(k.Value), names); ok {
		p.add(p.pos(k), CodeMisspeltKey, "unknown key %q %s; did you mean %q?", k.Value, where, s)
		return
	}
	p.add(p.pos(k), CodeUnknownKey, "unknown key %q %s (ignored)", k.Value, where)
}

// uniq drops repeated strings, keeping the first of each.
func uniq(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// yamlLine finds the line number yaml.v3 puts in its messages.
var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlErrorPos extracts the position of a yaml.v3 syntax error.
func yamlErrorPos(file string, err error) ir.Pos {
	pos := ir.Pos{File: file}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
	}
	return pos
}

// yamlErrorMsg strips yaml.v3's "yaml: line N: " prefix, since the position
// already says it.
func yamlErrorMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if loc := yamlLine.FindStringIndex(msg); loc != nil && loc[0] == 0 {
		msg = msg[loc[1]:]
	}
	return "invalid YAML: " + msg
}
