module github.com/spikevk/spikevk

go 1.26.8

require (
	github.com/vulkan-go/vulkan v0.0.0-20210402152248-956e3850d8f9 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)
