# This file implements the Vivado HLS build of myproject:
#   vivado_hls -f build_prj.tcl "csim=1 synth=1 cosim=0 export=0"
# Each step is an option; the defaults are csim=1 synth=1 cosim=0 export=0.
# Part xcvu13p-flga2577-2-e, clock period 5 ns.

array set opt {csim 1 synth 1 cosim 0 export 0}
foreach arg $argv {
  foreach {key value} [split $arg =] {
    if {[info exists opt($key)]} { set opt($key) $value }
  }
}

open_project -reset myproject_prj
set_top myproject
add_files firmware/myproject.cpp -cflags "-std=c++0x -DNNHLS_HLS_PRAGMAS"
add_files -tb tb/myproject_test.cpp -cflags "-std=c++0x -Ifirmware -DNNHLS_HLS_PRAGMAS"
add_files -tb tb_data
open_solution -reset "solution1"
set_part xcvu13p-flga2577-2-e
create_clock -period 5 -name default

if {$opt(csim)} { csim_design }
if {$opt(synth)} { csynth_design }
if {$opt(cosim)} { cosim_design }
if {$opt(export)} { export_design -format ip_catalog }
exit
