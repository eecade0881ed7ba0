// Package config reads the hls4ml-style YAML configuration users already
// write, and answers the questions later phases ask of it: which fixed-point
// type a layer's variable has, its ReuseFactor, Strategy, table sizes,
// softmax implementation, and the project settings (IOType, Part,
// ClockPeriod, ProjectName, ...).
//
// # Files
//
// Parse and Load accept a bare HLSConfig (Model, LayerType and LayerName at
// the top, as in hls4ml's resolved configurations) or a whole hls4ml project
// YAML (HLSConfig inside, beside OutputDir, ProjectName, Backend, Part,
// ClockPeriod, IOType, ...). A bare HLSConfig may also carry the project
// keys, so "IOType: io_stream" needs no wrapper.
//
// # Precision lookup
//
// Config.Precision follows hls4ml's precedence (graph.py's get_precision):
// LayerName[layer].Precision[var], then LayerName[layer]'s default (a
// "default" entry or a scalar Precision), then the same two for
// LayerType[class], then Model, then the built-in fixed<16,6>. Layer names
// and class names match case-insensitively. The answer carries its Source:
// the level, the key, the variable that matched and the YAML position, so
// reports can say why a type was chosen.
//
// # Policy
//
// Config records what the user wrote and nothing more. "auto" comes back as
// Precision.Auto with no type; a variable nothing covers comes back as the
// built-in default with Source.Level == LevelBuiltin. The precision-inference
// pass owns both cases: it asks Precision and replaces those answers with its
// own (today the model default, later interval analysis), so the type policy
// can change without config knowing about it. Likewise an op with its own
// default for a variable (softmax's exp_table fixed<18,8,RND,SAT>) uses it
// unless Precision.Explicit reports that the user wrote that variable.
//
// # Problems
//
// Every problem has a position (file:line:column) and a Code. All errors are
// collected into one ir.ErrorList. A misspelt key ("Precison"), a misspelt
// Precision variable ("acum"), a bad value, a type fixed.Parse rejects, or a
// section in the wrong place is an error with "did you mean" where one
// applies; a key config does not know and that is close to none it knows is
// a warning (Config.Warnings), as is a known key at a level hls4ml does not
// read it. CheckNames ties a configuration to a model: a LayerName entry that
// names no layer, which hls4ml silently ignores, is an error.
package config
