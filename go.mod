module github.com/ratecard/ratecard

go 1.26.8

require (
	github.com/apache/arrow-go/v18 v18.8.0
	github.com/go-echarts/go-echarts/v2 v2.6.7
	github.com/go-jose/go-jose/v4 v4.1.9
	github.com/klauspost/compress v1.20.3
	github.com/marcboeker/go-duckdb v1.8.5
	github.com/zeebo/xxh3 v1.1.0
	golang.org/x/sys v0.47.0
)

require (
	github.com/go-viper/mapstructure/v2 v2.4.0 // indirect
	github.com/goccy/go-json v0.10.6 // indirect
	github.com/google/flatbuffers v25.12.19+incompatible // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/klauspost/cpuid/v2 v2.4.0 // indirect
	github.com/pierrec/lz4/v4 v4.1.29 // indirect
	golang.org/x/exp v0.0.0-20260112195511-716be5621a96 // indirect
)
