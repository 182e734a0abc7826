// Serverless Workflows on Azure Functions Flex Consumption (FC1), dotnet-isolated, with a user-assigned managed
// identity and no keys: the storage account refuses shared keys and Application Insights refuses local auth.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd sets it); it seeds the unique suffix of every resource name.')
param environmentName string

@description('Region of every resource. Flex Consumption is available in a subset of regions.')
param location string = resourceGroup().location

@description('Function app name; empty picks func-<unique>.')
@maxLength(60)
param functionAppName string = ''

@description('.NET version of the dotnet-isolated runtime.')
@allowed([
  '10.0'
])
param dotnetVersion string = '10.0'

@description('Memory of each instance in MB (Flex Consumption sizes).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Durable Functions task hub name (letters and digits, 3-45 characters).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'ServerlessWorkflows'

@description('Object id of a user or group to grant the same data roles as the app (for local debugging against Azure); empty grants none.')
param developerPrincipalId string = ''

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var appName = empty(functionAppName) ? 'func-${resourceToken}' : functionAppName
var tags = {
  'azd-env-name': environmentName
}
var deploymentContainerName = 'app-package-${take(resourceToken, 8)}'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    tags: tags
    name: 'id-${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    deploymentContainerName: deploymentContainerName
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: developerPrincipalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    appName: appName
    dotnetVersion: dotnetVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    taskHubName: taskHubName
  }
  // The app's first start reaches storage with its identity: let the role assignments exist first.
  dependsOn: [
    roles
  ]
}

@description('The function app name.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('The function app default host name (https://<host>/api/...).')
output AZURE_FUNCTION_APP_HOST_NAME string = functionApp.outputs.defaultHostName

@description('The storage account holding the task hub, the definitions table and the deployment package.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('The Application Insights resource name.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
