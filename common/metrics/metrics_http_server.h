#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace events::metrics {

struct MetricsHttpOptions {
  std::string host = "0.0.0.0";
  int port = 0;  // 0: any free port (tests)
  // Connections held at once; a new one past this is closed at once. Each costs a socket
  // and a few KiB, not a thread, so idle connections never keep a scrape waiting.
  int max_connections = 1024;
  // A connection that sends no complete request for this long is closed.
  std::chrono::milliseconds idle_timeout{10000};
  // The events_build_info label of this process ("registration", "web"...).
  std::string service;
  // More to serve after the main collectable (say, the platform's Redis and queue metrics).
  std::vector<std::weak_ptr<prometheus::Collectable>> more;
  // Families served as their HELP and TYPE lines alone while no collectable has a series of
  // theirs: a family whose label values come with the data (org_id) still shows it exists
  // before its first series (a prometheus::Registry leaves out a family with no series).
  std::vector<prometheus::MetricFamily> declared;
};

// Serves GET /metrics (Prometheus text format 0.0.4) of one collectable, typically the
// service's prometheus::Registry, then the options' `more`, then its own: the process metrics
// (ProcessCollector, process_collector.h: CPU, memory, fds, threads, start time, build info)
// and events_metrics_scrape_duration_seconds, the time from a /metrics request read to its
// answer sent (observed once it is sent, so a scrape shows the ones before it). One thread and
// asynchronous sockets (Boost.Beast): unlike prometheus-cpp's Exposer, whose two worker threads
// each stay with one connection until it closes, hundreds of idle or slow connections do not block
// a scrape. Requests are capped at 8 KiB; other paths get 404, other methods 405.
class MetricsHttpServer {
 public:
  // Binds and starts serving. UNAVAILABLE naming the address when it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const MetricsHttpOptions& options, std::weak_ptr<prometheus::Collectable> collectable);
  // Stops: closes the listener and every connection, and joins the thread.
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  int port() const;

  class Impl;

 private:
  explicit MetricsHttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace events::metrics
