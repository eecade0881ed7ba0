// Package passes holds the graph rewrites that run between loading a model
// and emulating or writing it. Each pass is a function of the form
// func(*ir.Graph, *config.Config) error whose doc comment says what it
// matches and what holds afterwards.
package passes
