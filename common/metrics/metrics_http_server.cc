#include "common/metrics/metrics_http_server.h"

#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/metrics/process_collector.h"

namespace events::metrics {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kMaxRequestBytes = size_t{8} * 1024;

// What the server and its sessions share; a session may outlive the server's other parts
// while the io_context destroys its pending handlers.
struct SharedState {
  explicit SharedState(MetricsHttpOptions o)
      : options(std::move(o)),
        process(options.service, BuildVersion()),
        scrape_duration(prometheus::BuildHistogram()
                            .Name("events_metrics_scrape_duration_seconds")
                            .Help("Time to serialise and send one /metrics answer, in seconds.")
                            .Register(*own)
                            .Add({}, prometheus::Histogram::BucketBoundaries{
                                         0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                         0.5, 1, 2.5})) {}
  MetricsHttpOptions options;
  std::weak_ptr<prometheus::Collectable> collectable;
  std::atomic<int> open{0};
  const ProcessCollector process;
  // The exposer's own metrics.
  const std::shared_ptr<prometheus::Registry> own = std::make_shared<prometheus::Registry>();
  prometheus::Histogram& scrape_duration;
};

// One connection: reads requests one at a time (keep-alive), answers each, closes on error,
// timeout or "Connection: close". Owned by the shared_ptrs its pending handlers hold.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<SharedState> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    state_->open.fetch_add(1);
  }
  ~Session() { state_->open.fetch_sub(1); }

  void Read() {
    parser_.emplace();
    parser_->header_limit(kMaxRequestBytes);
    parser_->body_limit(kMaxRequestBytes);
    stream_.expires_after(state_->options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, size_t) { self->OnRead(error); });
  }

 private:
  void OnRead(beast::error_code error) {
    if (error) {
      Close();
      return;
    }
    const http::request<http::string_body>& request = parser_->get();
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(request.version());
    response->keep_alive(request.keep_alive());
    response->set(http::field::server, "events-metrics");
    const auto started = std::chrono::steady_clock::now();
    const bool get = request.method() == http::verb::get || request.method() == http::verb::head;
    const beast::string_view target = request.target();
    const beast::string_view path = target.substr(0, target.find('?'));
    bool scrape = false;  // a /metrics answer: its time is observed once sent
    if (path != "/metrics") {
      Plain(*response, http::status::not_found, "not found: metrics are at /metrics\n");
    } else if (!get) {
      Plain(*response, http::status::method_not_allowed, "use GET\n");
      response->set(http::field::allow, "GET, HEAD");
    } else {
      scrape = true;
      response->result(http::status::ok);
      response->set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response->body() = Serialize();
    }
    response->prepare_payload();
    if (request.method() == http::verb::head) response->body().clear();
    stream_.expires_after(state_->options.idle_timeout);
    http::async_write(
        stream_, *response,
        [self = shared_from_this(), response, scrape, started](beast::error_code write_error,
                                                               size_t) {
          if (scrape && !write_error) {
            self->state_->scrape_duration.Observe(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
          }
          if (write_error || !response->keep_alive()) {
            self->Close();
          } else {
            self->Read();
          }
        });
  }

  static void Plain(http::response<http::string_body>& response, http::status status,
                    std::string body) {
    response.result(status);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::move(body);
  }

  std::string Serialize() const {
    std::vector<prometheus::MetricFamily> families;
    auto add = [&families](const std::weak_ptr<prometheus::Collectable>& weak) {
      if (std::shared_ptr<prometheus::Collectable> collectable = weak.lock()) {
        std::vector<prometheus::MetricFamily> more = collectable->Collect();
        families.insert(families.end(), std::make_move_iterator(more.begin()),
                        std::make_move_iterator(more.end()));
      }
    };
    add(state_->collectable);
    for (const std::weak_ptr<prometheus::Collectable>& more : state_->options.more) add(more);
    add(state_->own);
    std::vector<prometheus::MetricFamily> process = state_->process.Collect();
    families.insert(families.end(), std::make_move_iterator(process.begin()),
                    std::make_move_iterator(process.end()));
    for (const prometheus::MetricFamily& declared : state_->options.declared) {
      const bool served = std::any_of(
          families.begin(), families.end(),
          [&declared](const prometheus::MetricFamily& f) { return f.name == declared.name; });
      if (!served)
        families.push_back(
            prometheus::MetricFamily{declared.name, declared.help, declared.type, {}});
    }
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, families);
    return out.str();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const std::shared_ptr<SharedState> state_;
};

}  // namespace

class MetricsHttpServer::Impl {
 public:
  Impl(MetricsHttpOptions options, std::weak_ptr<prometheus::Collectable> collectable)
      : state_(std::make_shared<SharedState>(std::move(options))), acceptor_(io_) {
    state_->collectable = std::move(collectable);
  }

  // Once the thread is joined, the acceptor and then the io_context (with every session's
  // pending handler, and so every session) are destroyed on this thread.
  ~Impl() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  absl::Status Bind() {
    beast::error_code error;
    const MetricsHttpOptions& options = state_->options;
    tcp::endpoint endpoint;
    const asio::ip::address address = asio::ip::make_address(options.host, error);
    if (!error) {
      endpoint = tcp::endpoint(address, static_cast<uint16_t>(options.port));
    } else {
      // A host name, as EVENTS_LISTEN_HOST allows: its first address.
      tcp::resolver resolver(io_);
      const auto found = resolver.resolve(options.host, std::to_string(options.port), error);
      if (error || found.empty()) {
        return absl::UnavailableError(absl::StrCat("cannot resolve ", options.host));
      }
      endpoint = found.begin()->endpoint();
    }
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    if (error) return absl::UnavailableError(error.message());
    port_ = acceptor_.local_endpoint().port();
    Accept();
    thread_ = std::thread([this] { io_.run(); });
    return absl::OkStatus();
  }

  int port() const { return port_; }

 private:
  void Accept() {
    acceptor_.async_accept([this](beast::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (error) {
        // Out of file descriptors, say: try again shortly rather than spin on the error.
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](beast::error_code wait_error) {
          if (!wait_error) Accept();
        });
        return;
      }
      if (state_->open.load() >= state_->options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), state_)->Read();
      }
      Accept();
    });
  }

  const std::shared_ptr<SharedState> state_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  asio::steady_timer retry_{io_};
  std::thread thread_;
  int port_ = 0;
};

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const MetricsHttpOptions& options, std::weak_ptr<prometheus::Collectable> collectable) {
  auto impl = std::make_unique<Impl>(options, std::move(collectable));
  if (absl::Status status = impl->Bind(); !status.ok()) return status;
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(std::move(impl)));
}

MetricsHttpServer::MetricsHttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetricsHttpServer::~MetricsHttpServer() = default;
int MetricsHttpServer::port() const { return impl_->port(); }

}  // namespace events::metrics
