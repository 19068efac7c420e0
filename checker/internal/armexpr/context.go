package armexpr

import "fmt"

// ContextName is the documented spelling of a deployment context function
// given in lower case ("resourcegroup" -> "resourceGroup"), or "" when
// function is not one.
func ContextName(function string) string {
	switch function {
	case "subscription", "deployment", "environment", "tenant":
		return function
	case "resourcegroup":
		return "resourceGroup"
	case "managementgroup":
		return "managementGroup"
	}
	return ""
}

// ContextShape is the object a deployment context function returns in
// ARM, as a template may read it: a nil value is a property only the
// deployment knows, a string one that is always the same, a map a nested
// object. deployment().properties.templateLink is a single unknown: it
// exists only when the template was deployed from a link.
func ContextShape(function string) map[string]any {
	switch function {
	case "subscription":
		return map[string]any{"id": nil, "subscriptionId": nil, "tenantId": nil, "displayName": nil}
	case "resourcegroup":
		return map[string]any{"id": nil, "name": nil, "type": "Microsoft.Resources/resourceGroups", "location": nil,
			"managedBy": nil, "tags": nil, "properties": map[string]any{"provisioningState": nil}}
	case "deployment":
		return map[string]any{"name": nil, "location": nil, "properties": map[string]any{
			"templateLink": nil, "template": nil, "templateHash": nil, "parameters": nil, "mode": nil, "provisioningState": nil}}
	case "environment":
		return map[string]any{"name": nil, "gallery": nil, "graph": nil, "portal": nil, "graphAudience": nil,
			"activeDirectoryDataLake": nil, "batch": nil, "media": nil, "sqlManagement": nil, "vmImageAliasDoc": nil,
			"resourceManager": nil,
			"authentication":  map[string]any{"loginEndpoint": nil, "audiences": nil, "tenant": nil, "identityProvider": nil},
			"suffixes": map[string]any{"acrLoginServer": nil, "azureDatalakeAnalyticsCatalogAndJob": nil,
				"azureDatalakeStoreFileSystem": nil, "azureFrontDoorEndpointSuffix": nil, "keyvaultDns": nil,
				"sqlServerHostname": nil, "storage": nil}}
	case "tenant":
		return map[string]any{"countryCode": nil, "displayName": nil, "id": nil, "tenantId": nil}
	case "managementgroup":
		return map[string]any{"id": nil, "name": nil, "type": "Microsoft.Management/managementGroups",
			"properties": map[string]any{"displayName": nil, "tenantId": nil, "details": nil}}
	}
	return nil
}

// DefaultContext is the value of a deployment context function (lower-case
// name) when nothing is known of the deployment: its object with every
// property the deployment decides an Unknown leaf, whose reason names the
// property and ends with why ("resourceGroup().location is not known: pass
// --context FILE"). nil when function is not a context function.
func DefaultContext(function, why string) any {
	shape := ContextShape(function)
	if shape == nil {
		return nil
	}
	return fill(shape, ContextName(function)+"()", why)
}

func fill(shape map[string]any, path, why string) map[string]any {
	out := make(map[string]any, len(shape))
	for k, v := range shape {
		switch x := v.(type) {
		case nil:
			out[k] = Unknown{fmt.Sprintf("%s.%s is not known: %s", path, k, why)}
		case map[string]any:
			out[k] = fill(x, path+"."+k, why)
		default:
			out[k] = x
		}
	}
	return out
}
