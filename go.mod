module github.com/spikevk/spikevk

go 1.24.0

require (
	github.com/vulkan-go/vulkan v0.0.0-20210402152248-956e3850d8f9
	gonum.org/v1/gonum v0.17.0
)

require go.yaml.in/yaml/v3 v3.0.6
