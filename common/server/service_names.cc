#include "common/server/service_names.h"

#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>

#include <utility>

namespace events::server {
namespace {

class ServiceNamesPlugin final : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceNamesPlugin(std::shared_ptr<std::vector<std::string>> names)
      : names_(std::move(names)) {}

  std::string name() override { return "events_service_names"; }
  void InitServer(grpc::ServerInitializer* /*si*/) override {}
  // Finish runs last in BuildAndStart, after every plugin has registered its services.
  void Finish(grpc::ServerInitializer* si) override { *names_ = *si->GetServiceList(); }
  void ChangeArguments(const std::string& /*name*/, void* /*value*/) override {}

 private:
  std::shared_ptr<std::vector<std::string>> names_;
};

class ServiceNamesOption final : public grpc::ServerBuilderOption {
 public:
  explicit ServiceNamesOption(std::shared_ptr<std::vector<std::string>> names)
      : names_(std::move(names)) {}

  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceNamesPlugin>(names_));
  }

 private:
  std::shared_ptr<std::vector<std::string>> names_;
};

}  // namespace

std::unique_ptr<grpc::ServerBuilderOption> CaptureServiceNames(
    std::shared_ptr<std::vector<std::string>> names) {
  return std::make_unique<ServiceNamesOption>(std::move(names));
}

}  // namespace events::server
