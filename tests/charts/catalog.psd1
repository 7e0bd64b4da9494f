# The chart repositories the tests serve on loopback: each chart's source is packaged once per version
# listed here (helm package --version --app-version), then indexed (helm repo index).
@{
    bitnami = @(
        @{ Chart = 'redis'; Version = '17.13.2'; AppVersion = '7.0.12' }
        @{ Chart = 'redis'; Version = '18.0.0'; AppVersion = '7.2.0' }
        @{ Chart = 'redis'; Version = '18.1.0'; AppVersion = '7.2.1' }
        @{ Chart = 'nginx'; Version = '15.0.0'; AppVersion = '1.25.1' }
        @{ Chart = 'nginx'; Version = '15.1.0'; AppVersion = '1.25.2' }
        @{ Chart = 'postgresql'; Version = '12.5.6'; AppVersion = '15.3.0' }
        @{ Chart = 'postgresql'; Version = '13.2.0'; AppVersion = '16.0.0' }
        @{ Chart = 'mysql'; Version = '9.10.0'; AppVersion = '8.0.33' }
    )
}
