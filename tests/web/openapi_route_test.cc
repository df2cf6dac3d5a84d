// GET /api/v1/openapi.json on a real socket: the document embedded at build time, as JSON.
#include "services/web/api/openapi_route.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>
#include <prometheus/registry.h>

#include <thread>

#include "gtest/gtest.h"
#include "services/web/http/web_server.h"

namespace events::web::api {
namespace {

TEST(OpenApiRouteTest, ServesTheEmbeddedDocumentAsJson) {
  prometheus::Registry registry;
  HttpOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  WebServer server(options, registry);
  AddOpenApiRoute(server);
  ASSERT_TRUE(server.Bind().ok());
  std::thread serving([&] { server.Serve(); });
  httplib::Client client("127.0.0.1", server.port());
  auto res = client.Get("/api/v1/openapi.json");
  server.Stop();
  serving.join();

  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(res->body, std::string(OpenApiJson()));
  google::protobuf::Struct doc;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(res->body, &doc).ok());
  EXPECT_EQ(doc.fields().at("openapi").string_value(), "3.1.0");
  EXPECT_GT(doc.fields().at("paths").struct_value().fields_size(), 0);
}

}  // namespace
}  // namespace events::web::api
