module github.com/spikevk/spikevk

go 1.25

require (
	github.com/vulkan-go/vulkan v0.0.0-20210402152248-956e3850d8f9
	gonum.org/v1/gonum v0.17.0
)

require (
	codeberg.org/sbinet/npyio v0.14.0
	go.yaml.in/yaml/v3 v3.0.6
)

require (
	github.com/nlpodyssey/gopickle v0.3.0 // indirect
	golang.org/x/text v0.34.0 // indirect
)
