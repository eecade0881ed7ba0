// This file implements a minimal hls::stream for C simulation with nnhls's
// own types: an unbounded FIFO with the blocking and non-blocking read and
// write calls of the vendor class. Reading an empty stream prints a warning
// and returns a default value, as the vendor's simulation model does.

#ifndef NNHLS_HLS_STREAM_H
#define NNHLS_HLS_STREAM_H

#include <cstddef>
#include <deque>
#include <iostream>
#include <string>

namespace hls {

// stream is a FIFO of T. DEPTH is accepted for source compatibility; C
// simulation never fills a stream.
template <class T, int DEPTH = 0>
class stream {
 public:
  stream() {}
  explicit stream(const char* name) : name_(name) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  bool empty() const { return q_.empty(); }
  bool full() const { return false; }
  std::size_t size() const { return q_.size(); }

  T read() {
    if (q_.empty()) {
      std::cerr << "WARNING: hls::stream '" << name_ << "' is read while empty; returning a default value\n";
      return T();
    }
    T x = q_.front();
    q_.pop_front();
    return x;
  }
  void read(T& x) { x = read(); }
  bool read_nb(T& x) {
    if (q_.empty()) return false;
    x = read();
    return true;
  }
  void operator>>(T& x) { read(x); }

  void write(const T& x) { q_.push_back(x); }
  bool write_nb(const T& x) {
    write(x);
    return true;
  }
  void operator<<(const T& x) { write(x); }

 private:
  std::deque<T> q_;
  std::string name_;
};

}  // namespace hls

#endif  // NNHLS_HLS_STREAM_H
