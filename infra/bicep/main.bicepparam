using './main.bicep'

// azd fills AZURE_ENV_NAME; a plain `az deployment group create` reads the same variable or the fallback.
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'serverless-workflows')
param dotnetVersion = '10.0'
param instanceMemoryMB = 2048
param maximumInstanceCount = 100
param taskHubName = 'ServerlessWorkflows'
param developerPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
